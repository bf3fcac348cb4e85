import Foundation

/// `.crank/` holds crank's private state: builds, releases, run records, secrets and the
/// secret key. Its `.gitignore` (`*`) keeps all of it out of git, whatever the project's
/// own .gitignore says. Every command that creates `.crank/` calls `ensure`.
public enum CrankDirectory {
    public static let name = ".crank"
    public static let gitignoreContents = "*\n"

    /// Creates `.crank/` and `.crank/.gitignore` when missing; an existing `.gitignore` is left
    /// as it is (idempotent, safe to call from every command).
    public static func ensure(projectRoot: String) throws {
        let directory = projectRoot + "/" + name
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let ignore = directory + "/.gitignore"
        guard !FileManager.default.fileExists(atPath: ignore) else { return }
        do {
            try AtomicFile.write(Data(gitignoreContents.utf8), to: ignore, overwrite: false)
        } catch .exists {
            return  // written meanwhile by another crank
        }
    }

    /// `ensure`, only when `.crank/` already exists (a secrets file written by hand, say).
    public static func ensureIfPresent(projectRoot: String) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: projectRoot + "/" + name, isDirectory: &isDirectory), isDirectory.boolValue else { return }
        try? ensure(projectRoot: projectRoot)
    }
}
