/// A problem found while scanning, reported instead of being skipped silently.
public struct Diagnostic: Equatable, Hashable, Sendable, Codable {
    public enum Severity: String, Sendable, Codable {
        case error
        case warning
    }

    public enum Code: String, Sendable, Codable, CaseIterable {
        case syntaxError = "syntax-error"
        case decodeError = "decode-error"
        case binaryFile = "binary-file"
        case unreadableFile = "unreadable-file"
        case fileTooLarge = "file-too-large"
        case pathNotFound = "path-not-found"
        case notARegularFile = "not-a-regular-file"
        case brokenSymlink = "broken-symlink"
        case symlinkLoop = "symlink-loop"
        case dynamicName = "dynamic-name"
        case duplicateName = "duplicate-name"
        case nestedFlow = "nested-flow"
        case symlinkOutsideRoot = "symlink-outside-root"
        case walkLimit = "walk-limit"
        case pathTooLong = "path-too-long"
        case unsupportedEncoding = "unsupported-encoding"
    }

    /// Path relative to the project root (`/`-separated), or absolute when outside it.
    public var file: String
    @Nullable public var line: Int?
    public var severity: Severity
    public var code: Code
    public var message: String
    /// How to fix it; printed as `hint:` by the CLI, not part of the JSON document.
    public var hint: String? = nil

    public init(file: String, line: Int?, severity: Severity, code: Code, message: String, hint: String? = nil) {
        self.file = file
        self.line = line
        self.severity = severity
        self.code = code
        self.message = message
        self.hint = hint
    }

    enum CodingKeys: String, CodingKey { case file, line, severity, code, message }
}
