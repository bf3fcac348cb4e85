#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An `--exclude` glob. With a `/` (or a leading `./`) it matches the path relative to
/// the project root; without, any file or directory name. A trailing `/` is ignored.
public struct ExcludePattern: Equatable, Sendable {
    public let pattern: String
    let matchesPath: Bool

    public init(_ glob: String) {
        var trimmed = glob
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        var anchored = false
        while trimmed.hasPrefix("./") || (trimmed.hasPrefix("/") && trimmed.count > 1) {
            trimmed.removeFirst(trimmed.hasPrefix("./") ? 2 : 1)
            anchored = true
        }
        pattern = trimmed
        matchesPath = anchored || trimmed.contains("/")
    }

    func matches(name: String, path: String) -> Bool {
        fnmatch(pattern, matchesPath ? path : name, 0) == 0
    }
}
