/// One problem in a project's configuration (or in what it refers to), with where it
/// was written and how to fix it. Validation collects all of them before failing.
public struct ConfigIssue: Error, Equatable, Hashable, Sendable, Codable {
    public enum Severity: String, Sendable, Codable {
        case error, warning
    }

    public enum Code: String, Sendable, Codable {
        case yamlSyntax = "yaml-syntax"
        case fileTooLarge = "file-too-large"
        case missingFile = "missing-file"
        case unknownKey = "unknown-key"
        case wrongType = "wrong-type"
        case missingKey = "missing-key"
        case duplicateKey = "duplicate-key"
        case invalidValue = "invalid-value"
        case invalidName = "invalid-name"
        case conflictingKeys = "conflicting-keys"
        case unknownEnvironment = "unknown-environment"
        case unknownTemplate = "unknown-template"
        case templateCycle = "template-cycle"
        case unknownFlow = "unknown-flow"
        case unknownParameter = "unknown-parameter"
        case missingParameter = "missing-parameter"
        case parameterType = "parameter-type"
        case invalidCron = "invalid-cron"
        case invalidSchedule = "invalid-schedule"
        case portClash = "port-clash"
        case unsetVariable = "unset-variable"
        case missingSecret = "missing-secret"
        case flowFile = "flow-file"
    }

    public var file: String
    public var line: Int?
    public var column: Int?
    /// Dotted key path, e.g. `deployments.ocr-api.port` (empty for a whole file).
    public var path: String
    public var severity: Severity
    public var code: Code
    public var message: String
    public var hint: String?

    public init(
        _ code: Code, at location: SourceLocation?, file: String? = nil, path: String, message: String,
        hint: String? = nil, severity: Severity = .error
    ) {
        self.file = location?.file ?? file ?? ""
        self.line = location?.line
        self.column = location?.column
        self.path = path
        self.severity = severity
        self.code = code
        self.message = message
        self.hint = hint
    }

    enum CodingKeys: String, CodingKey { case file, line, column, path, severity, code, message, hint }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        try container.encode(line, forKey: .line)
        try container.encode(column, forKey: .column)
        try container.encode(path, forKey: .path)
        try container.encode(severity, forKey: .severity)
        try container.encode(code, forKey: .code)
        try container.encode(message, forKey: .message)
        try container.encode(hint, forKey: .hint)
    }
}
