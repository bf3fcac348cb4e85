/// One deployment read from a `prefect.yaml`, in crank's terms. Values stay data: parameters
/// and job variables as JSON, pull steps as the list of one-key maps Prefect writes.
public struct ImportedDeployment: Equatable, Sendable {
    /// The deployment's name in Prefect (`<flow>/<name>`).
    public var name: String
    /// `path/to/file.py:function`, relative to the project root (not to the prefect.yaml's directory).
    public var entrypoint: String
    public var description: String?
    public var version: String?
    public var tags: [String] = []
    public var parameters: [String: JSONValue] = [:]
    public var schedule: Schedule?
    public var workPool: String?
    public var workQueue: String?
    public var jobVariables: [String: JSONValue] = [:]
    /// One `set_working_directory` step becomes `working_directory:`; anything else `pull:`.
    public var workingDirectory: String?
    public var pullSteps: [JSONValue]?
    /// Where it was written (`sub/prefect.yaml:12:5`), for messages.
    public var location: SourceLocation

    public init(name: String, entrypoint: String, location: SourceLocation) {
        self.name = name
        self.entrypoint = entrypoint
        self.location = location
    }
}

/// What `crank init --from` read: the deployments and every problem found on the way (errors
/// stop the import; warnings name what crank treats differently). Nothing is dropped silently.
public struct PrefectImport: Equatable, Sendable {
    /// The top-level `name:` of the first file (the Prefect project's name), if any.
    public var projectName: String?
    public var deployments: [ImportedDeployment] = []
    public var issues: [ConfigIssue] = []

    public init() {}

    public var hasErrors: Bool { issues.contains { $0.severity == .error } }

    public mutating func append(_ other: PrefectImport) {
        if projectName == nil { projectName = other.projectName }
        deployments += other.deployments
        issues += other.issues
    }
}
