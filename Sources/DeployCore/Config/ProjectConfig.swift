/// The typed, effective configuration of a project for one environment: `crank.yaml`
/// with the environment's overlay merged in, variables expanded, templates applied.
public struct ProjectConfig: Equatable, Sendable {
    public var project: String
    public var flows = FlowSettings()
    public var python = PythonSettings()
    public var deployments: [DeploymentSpec] = []
    public var environments: [EnvironmentSpec] = []

    public init(project: String) {
        self.project = project
    }

    public func environment(_ name: String) -> EnvironmentSpec? {
        environments.first { $0.name == name }
    }
}

public struct FlowSettings: Equatable, Sendable {
    /// Where discovery looks, relative to the project root (empty: the root).
    public var paths: [String] = []
    public var exclude: [String] = []
    /// Follow symlinks that leave the project root (bounded; off by default).
    public var followSymlinks = false
}

public struct PythonSettings: Equatable, Sendable {
    /// The interpreter deployments run with; relative paths are relative to the project root.
    public var interpreter = "python3"
    public var requirements: String?
}

public enum TargetKind: String, Sendable, Codable, CaseIterable {
    case local, prefect, container, swarm
}

/// How a container deployment is replaced: stop-then-start, or start the idle color, switch
/// the proxy, stop the old one.
public enum ContainerStrategy: String, Sendable, Codable, CaseIterable {
    case recreate
    case blueGreen = "blue-green"
}

/// `restart:` of a container deployment — the engine's `--restart` policy.
public enum RestartPolicy: String, Sendable, Codable, CaseIterable {
    case no
    case onFailure = "on-failure"
    case always
    case unlessStopped = "unless-stopped"
}

/// `resources: {cpus, memory}` of a container deployment (`--cpus`, `--memory`); nil = no limit.
public struct ResourceLimits: Equatable, Sendable, Codable {
    /// A decimal number of CPUs, e.g. "0.5" or "2".
    public var cpus: String?
    /// Bytes with an optional unit: "512m", "2g".
    public var memory: String?

    public init(cpus: String? = nil, memory: String? = nil) {
        self.cpus = cpus
        self.memory = memory
    }
}

public enum DeploymentKind: String, Sendable, Codable, CaseIterable {
    case python, container
}

public struct EnvironmentSpec: Equatable, Sendable {
    public var name: String
    public var target: TargetKind
    public var prefectAPIURL: String?
    public var prefectWorkPool: String?
    public var prefectWorkQueue: String?
    /// The name of the secret holding a Prefect Cloud API key (sent as a bearer token).
    public var prefectAPIKeySecret: String?
    public var containerEngine: String?
    public var registry: String?
    public var baseImage: String?
    public var containerNetwork: String?
    /// Images kept per deployment for rollback (the live release's is always kept).
    public var keepImages = 5
    public var strategy = ContainerStrategy.recreate
    /// Release directories kept for rollback (local target; the live one's is always kept).
    public var keepReleases = 10
    /// Extra environment variables for every deployment in this environment.
    public var env: [String: String] = [:]
    /// The machines this environment runs on (none: this machine), in config order.
    public var hosts: [HostSpec] = []
    /// Role name → host names; a deployment's `role:` places it on them.
    public var roles: [String: [String]] = [:]
    public var ssh = SSHSettings()
    /// Batches and canary of a deploy to the hosts (nil: every host at once).
    public var rollout: RolloutSettings?
    /// `target: swarm` settings (defaults when the environment has no `swarm:` block).
    public var swarm = SwarmSettings()
    /// `hooks:` run around every deploy and rollback of the environment.
    public var hooks: [Hook] = []

    public init(name: String, target: TargetKind) {
        self.name = name
        self.target = target
    }
}

/// A flow deployment (`flow:`) or a service/worker (`command:`).
public struct DeploymentSpec: Equatable, Sendable {
    public var name: String
    public var kind: DeploymentKind = .python
    public var template: String?
    public var description: String?
    public var flow: String?
    public var parameters: [String: JSONValue] = [:]
    public var schedule: Schedule?
    public var tags: [String] = []
    public var workPool: String?
    public var workQueue: String?
    /// A flow run `crank deploy` waits for after registering (Prefect environments).
    public var smoke: SmokeCheck?
    public var command: [String]?
    public var port: Int?
    public var env: [String: String] = [:]
    public var health: HealthCheck?
    public var requires = Requirements()
    public var secrets: [String] = []
    /// Container deployments: the engine's restart policy and resource limits.
    public var restart = RestartPolicy.unlessStopped
    public var resources = ResourceLimits()
    /// Where it runs in an environment with hosts: a role's hosts plus these (see `hosts(for:)`).
    public var role: String?
    public var hosts: [String] = []
    /// `target: swarm`: the service's replicas (default 1) and its publishing mode (default the
    /// environment's `swarm.publish`).
    public var replicas: Int?
    public var publish: SwarmPublish?
    /// Prefect fields of a flow deployment (see `PrefectDeploymentFields`).
    public var prefect = PrefectDeploymentFields()
    /// How running instances take a new config without a restart (`crank reload`).
    public var reload: ReloadSettings?
    /// `hooks:` run when this deployment is deployed or restored (each has `deployment` = its name).
    public var hooks: [Hook] = []

    public init(name: String) {
        self.name = name
    }

    public var isFlow: Bool { flow != nil }
}

public struct Schedule: Equatable, Sendable, Codable {
    public var cron: String?
    /// Seconds between runs.
    public var interval: Int?
    public var timezone: String?

    public init(cron: String? = nil, interval: Int? = nil, timezone: String? = nil) {
        self.cron = cron
        self.interval = interval
        self.timezone = timezone
    }
}

/// `smoke:` — parameters for a flow run that must reach COMPLETED within `timeout` seconds.
public struct SmokeCheck: Equatable, Sendable, Codable {
    public var parameters: [String: JSONValue] = [:]
    public var timeout = 600

    public init(parameters: [String: JSONValue] = [:], timeout: Int = 600) {
        self.parameters = parameters
        self.timeout = timeout
    }
}

public struct HealthCheck: Equatable, Sendable, Codable {
    /// HTTP path probed on 127.0.0.1:<port> (the default kind of check).
    public var path = "/health"
    /// Seconds to keep retrying before the check fails.
    public var timeout = 30
    /// Expected HTTP status (default: any 2xx).
    public var status: Int?
    /// Text the response body must contain.
    public var contains: String?
    /// Only check that the port accepts TCP connections.
    public var tcp = false
    /// Run this command (from the release directory); exit 0 means healthy.
    public var exec: [String]?
    /// After the first success, this many timed requests…
    public var samples = 1
    /// …whose 95th-percentile latency must stay under this many milliseconds.
    public var p95Milliseconds: Int?

    public init(path: String = "/health", timeout: Int = 30) {
        self.path = path
        self.timeout = timeout
    }

    public var kind: String { exec != nil ? "exec" : (tcp ? "tcp" : "http") }
}

public struct Requirements: Equatable, Sendable, Codable {
    public var python: [String] = []
    public var executables: [String] = []
    /// Executables the deployment works without (degraded): doctor warns, does not fail.
    public var optionalExecutables: [String] = []
    public var gpu = false

    public init(python: [String] = [], executables: [String] = [], optionalExecutables: [String] = [], gpu: Bool = false) {
        self.python = python
        self.executables = executables
        self.optionalExecutables = optionalExecutables
        self.gpu = gpu
    }
}
