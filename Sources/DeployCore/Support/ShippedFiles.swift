import Foundation

/// Files crank ships in its `deployment/` folder (hint catalogue, checklist template,
/// Containerfile templates), found from the running binary: walking up from the
/// executable to a source checkout that holds the file, or `PREFIX/share/crank/`.
public enum ShippedFiles {
    public static func locate(_ relative: String, executable: String = CommandLine.arguments[0]) -> String? {
        let resolved = executable.contains("/") ? executable : (ExecutableLocator.find(executable, path: ProcessInfo.processInfo.environment["PATH"]) ?? executable)
        var url = URL(fileURLWithPath: resolved).resolvingSymlinksInPath().deletingLastPathComponent()
        let shareName = relative.hasPrefix("deployment/") ? String(relative.dropFirst("deployment/".count)) : relative
        for _ in 0..<6 {
            for candidate in [url.path + "/" + relative, url.path + "/share/crank/" + shareName]
            where FileManager.default.fileExists(atPath: candidate) {
                return candidate
            }
            url.deleteLastPathComponent()
        }
        return nil
    }
}
