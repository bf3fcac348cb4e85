import Foundation

/// Capistrano-style release directories: each release runs from its own copy of the
/// project (`.crank/releases/<env>/<id>/`), so a rollback runs the old code, not whatever
/// the working tree holds now.
public enum SourceSnapshot {
    static let skipped: Set<String> = [".crank", ".git", ".venv", "venv", "__pycache__", "node_modules", "build", "dist", "inbox", "outbox"]

    public static func directory(root: String, environment: String, release: String) -> String {
        "\(folder(root: root, environment: environment))/\(release)"
    }

    /// `.crank/releases/<env>`: every release directory of the environment.
    public static func folder(root: String, environment: String) -> String {
        "\(root)/.crank/releases/\(environment)"
    }

    /// Copies the project into the release directory (written under a temporary name,
    /// then renamed: a crash never leaves a half copy under the release's name). An existing
    /// release directory is never replaced; a failed copy leaves nothing behind.
    public static func create(root: String, environment: String, release: String) throws(AtomicFile.Failure) {
        let target = directory(root: root, environment: environment, release: release)
        let temporary = target + ".partial"
        let manager = FileManager.default
        guard !manager.fileExists(atPath: target) else { throw .exists(target) }
        do {
            try? manager.removeItem(atPath: temporary)
            try manager.createDirectory(atPath: temporary, withIntermediateDirectories: true)
            try copy(from: root, to: temporary, manager: manager)
            try manager.moveItem(atPath: temporary, toPath: target)
        } catch {
            try? manager.removeItem(atPath: temporary)
            throw AtomicFile.errnoOf(error).map { .writing(target, errno: $0) } ?? .cannotWrite(target, reason: error.localizedDescription)
        }
    }

    static func copy(from source: String, to destination: String, manager: FileManager) throws {
        for name in try manager.contentsOfDirectory(atPath: source) where !skipped.contains(name) && !(name.hasPrefix(".") && name != ".gitignore") {
            let from = source + "/" + name
            let to = destination + "/" + name
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: from, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                try manager.createDirectory(atPath: to, withIntermediateDirectories: true)
                try copy(from: from, to: to, manager: manager)
            } else {
                try manager.copyItem(atPath: from, toPath: to)
            }
        }
    }

    public static func exists(root: String, environment: String, release: String) -> Bool {
        FileManager.default.fileExists(atPath: directory(root: root, environment: environment, release: release))
    }

    /// The release numbers that have a directory (complete or `.partial`).
    static func numbers(in folder: String) -> [Int] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).compactMap { name in
            let id = name.hasSuffix(".partial") ? String(name.dropLast(8)) : name
            return id.first == "r" ? Int(id.dropFirst()) : nil
        }
    }

    /// `rN.partial` directories a killed crank left in `folder`.
    static func partials(in folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".partial") }.sorted().map { folder + "/" + $0 }
    }

    /// Removes the directories of releases beyond the newest `keep` restorable ones (and never
    /// the live one's); returns the removed release ids. Records are not touched.
    static func prune(folder: String, releases: [ReleaseRecord], live: String?, keep: Int) -> [String] {
        let restorable = releases.filter { $0.id == live || [.superseded, .rolledBack, .live].contains($0.status) }.sorted { $0.number > $1.number }
        let kept = Set(restorable.prefix(max(1, keep)).map(\.id) + [live].compactMap { $0 })
        let removable = releases.filter { !kept.contains($0.id) && $0.status != .pending }.map(\.id)
        return removable.filter { id in
            let path = folder + "/" + id
            return FileManager.default.fileExists(atPath: path) && (try? FileManager.default.removeItem(atPath: path)) != nil
        }
    }
}
