/// One problem in a project's configuration (or in what it refers to), with where it
/// was written and how to fix it. Validation collects all of them before failing.
public struct ConfigIssue: Error, Equatable, Hashable, Sendable, Codable {
    public enum Severity: String, Sendable, Codable {
        case error, warning
    }

    public enum Code: String, Sendable, Codable, CaseIterable {
        case yamlSyntax = "yaml-syntax"
        case fileTooLarge = "file-too-large"
        case missingFile = "missing-file"
        case notARegularFile = "not-a-regular-file"
        case unreadableFile = "unreadable-file"
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
        /// A flow name several discovered flows share; the deployment must name one by entrypoint.
        case ambiguousFlow = "ambiguous-flow"
        case unknownParameter = "unknown-parameter"
        case missingParameter = "missing-parameter"
        case parameterType = "parameter-type"
        case invalidCron = "invalid-cron"
        case invalidSchedule = "invalid-schedule"
        case portClash = "port-clash"
        case targetMismatch = "target-mismatch"
        case unsetVariable = "unset-variable"
        case missingSecret = "missing-secret"
        case secretPlacement = "secret-placement"
        case flowFile = "flow-file"
        case unknownHost = "unknown-host"
        case unknownRole = "unknown-role"
        /// A service in an environment with hosts that is on none of them.
        case missingPlacement = "missing-placement"
        /// `role:`/`hosts:` where they cannot apply: a flow, or an environment without hosts;
        /// `rollout:` on an environment without hosts.
        case invalidPlacement = "invalid-placement"
    }

    public var file: String
    @Nullable public var line: Int?
    @Nullable public var column: Int?
    /// Dotted key path, e.g. `deployments.ocr-api.port` (empty for a whole file).
    public var path: String
    public var severity: Severity
    public var code: Code
    public var message: String
    @Nullable public var hint: String?

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
}
