/// Everything a build depends on; the same inputs give byte-identical artifacts.
public struct BuildInputs: Sendable {
    public var effective: EffectiveConfig
    public var flows: [Flow]
    public var revision: SourceRevision
    public var secrets: SecretStore
    public var fingerprint: SecretFingerprint
    /// The container engine to use (`podman` or `docker`).
    public var engine: String
    /// The project's own `.containerignore` (else `.dockerignore`), added to crank's.
    public var projectIgnore: String?

    public init(effective: EffectiveConfig, flows: [Flow], revision: SourceRevision, secrets: SecretStore,
                fingerprint: SecretFingerprint, engine: String) {
        self.effective = effective
        self.flows = flows
        self.revision = revision
        self.secrets = secrets
        self.fingerprint = fingerprint
        self.engine = engine
    }

    public var environmentName: String { effective.environment ?? "" }
    public var environment: EnvironmentSpec? { effective.config.environment(environmentName) }
    public var project: String { effective.config.project }

    /// Redacts values of every secret the project names (env values may interpolate them).
    public var redactor: Redactor {
        secrets.redactor(for: effective.config.deployments.flatMap(\.secrets))
    }

    /// The engine an environment asks for, else the first of podman/docker on PATH, else podman.
    public static func engine(for environment: EnvironmentSpec?, path: String?) -> String {
        if let configured = environment?.containerEngine, configured != "auto" { return configured }
        return ["podman", "docker"].first { ExecutableLocator.find($0, path: path) != nil } ?? "podman"
    }
}
