/// One dependency the doctor looked for.
public struct DoctorCheck: Equatable, Sendable, Encodable {
    public enum Kind: String, Sendable, Encodable {
        case interpreter
        case pythonModule = "python-module"
        case executable
        case gpu
        case target
    }

    public enum Status: String, Sendable, Encodable {
        case ok, missing
        /// Missing, but only `requires.optional_executables` names it: a warning, not a failure.
        case missingOptional = "missing-optional"
    }

    public var kind: Kind
    public var name: String
    public var status: Status
    /// Deployments that need it (empty for what the environment's target needs).
    public var requiredBy: [String]
    /// Path, version or the reason it is missing.
    @Nullable public var detail: String?
    @Nullable public var hint: InstallHint?

    enum CodingKeys: String, CodingKey { case kind, name, status, requiredBy = "required_by", detail, hint }
}

/// What `crank doctor` found for one environment.
public struct DoctorReport: Equatable, Sendable, Encodable {
    public var environment: String
    public var target: TargetKind
    public var checks: [DoctorCheck]

    public var hasMissing: Bool { checks.contains { $0.status == .missing } }
}
