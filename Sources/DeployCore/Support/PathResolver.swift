import Foundation

/// Lexical path handling shared by every command: absolute paths without `.`/`..`,
/// and the `/`-separated root-relative form used in output.
public enum PathResolver {
    /// `path` made absolute against `base` and normalised lexically (`.` and `..` removed).
    public static func absolute(_ path: String, from base: String) -> String {
        let joined = path.hasPrefix("/") ? path : base + "/" + path
        var parts: [Substring] = []
        for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    /// `absolute` relative to `root` when inside it (`""` for the root itself), else unchanged.
    public static func display(_ absolute: String, root: String) -> String {
        if absolute == root { return "" }
        let prefix = root == "/" ? "/" : root + "/"
        return absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : absolute
    }
}

/// Where a project starts: the nearest ancestor holding `crank.yaml`.
public enum ProjectRoot {
    public static let configFileName = "crank.yaml"

    /// The explicit `-C` directory if given, else the nearest ancestor of `start` that
    /// contains `crank.yaml`, else `start`.
    public static func locate(explicit: String?, start: String) -> String {
        if let explicit { return PathResolver.absolute(explicit, from: start) }
        var candidate = PathResolver.absolute(start, from: "/")
        while true {
            if FileManager.default.fileExists(atPath: candidate + "/" + configFileName) { return candidate }
            if candidate == "/" { return PathResolver.absolute(start, from: "/") }
            candidate = PathResolver.absolute("..", from: candidate)
        }
    }
}
