import Foundation

/// Capistrano-style release directories: each release runs from its own copy of the
/// project (`.crank/releases/<env>/<id>/`), so a rollback runs the old code, not whatever
/// the working tree holds now.
public enum SourceSnapshot {
    static let skipped: Set<String> = [".crank", ".git", ".venv", "venv", "__pycache__", "node_modules", "build", "dist", "inbox", "outbox"]

    public static func directory(root: String, environment: String, release: String) -> String {
        "\(root)/.crank/releases/\(environment)/\(release)"
    }

    /// Copies the project into the release directory (written under a temporary name,
    /// then renamed: a crash never leaves a half copy under the release's name).
    public static func create(root: String, environment: String, release: String) throws {
        let target = directory(root: root, environment: environment, release: release)
        let temporary = target + ".partial"
        let manager = FileManager.default
        try? manager.removeItem(atPath: temporary)
        try manager.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        try copy(from: root, to: temporary, manager: manager)
        try? manager.removeItem(atPath: target)
        try manager.moveItem(atPath: temporary, toPath: target)
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
}
