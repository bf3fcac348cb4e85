import Foundation

/// An environment's target settings as the last deploy saw them — never a secret value, only
/// secret names — kept in `.crank/state/<env>/environment.json`. Commands that act on what is
/// already deployed (rollback, status, stop, clean, …) use it when crank.yaml is broken or gone.
public struct RecordedEnvironment: Equatable, Sendable, Codable {
    public var format = 1
    public var project: String
    public var environment: String
    public var target: TargetKind
    public var prefectAPIURL: String?
    public var prefectWorkPool: String?
    public var prefectWorkQueue: String?
    public var prefectAPIKeySecret: String?
    public var containerEngine: String?
    public var containerNetwork: String?
    public var keepImages: Int
    public var strategy: ContainerStrategy
    /// Where an environment with hosts runs, and how crank reaches it (never a key itself).
    public var hosts: [HostSpec]?
    public var roles: [String: [String]]?
    public var ssh: SSHSettings?
    /// The batches rollback changes the hosts in.
    public var rollout: RolloutSettings?
    /// A swarm environment's manager, registry, publishing mode and update settings.
    public var swarm: SwarmSettings?

    enum CodingKeys: String, CodingKey {
        case format, project, environment, target, prefectAPIURL = "prefect_api_url", prefectWorkPool = "prefect_work_pool"
        case prefectWorkQueue = "prefect_work_queue", prefectAPIKeySecret = "prefect_api_key_secret", containerEngine = "container_engine"
        case containerNetwork = "container_network", keepImages = "keep_images", strategy, hosts, roles, ssh, rollout, swarm
    }

    public init(project: String, spec: EnvironmentSpec) {
        self.project = project
        environment = spec.name
        target = spec.target
        prefectAPIURL = spec.prefectAPIURL
        prefectWorkPool = spec.prefectWorkPool
        prefectWorkQueue = spec.prefectWorkQueue
        prefectAPIKeySecret = spec.prefectAPIKeySecret
        containerEngine = spec.containerEngine
        containerNetwork = spec.containerNetwork
        keepImages = spec.keepImages
        strategy = spec.strategy
        if spec.hasHosts {
            hosts = spec.hosts
            roles = spec.roles
            ssh = spec.ssh
            rollout = spec.rollout
        }
        if spec.target == .swarm { swarm = spec.swarm }
    }

    public var spec: EnvironmentSpec {
        var spec = EnvironmentSpec(name: environment, target: target)
        spec.prefectAPIURL = prefectAPIURL
        spec.prefectWorkPool = prefectWorkPool
        spec.prefectWorkQueue = prefectWorkQueue
        spec.prefectAPIKeySecret = prefectAPIKeySecret
        spec.containerEngine = containerEngine
        spec.containerNetwork = containerNetwork
        spec.keepImages = keepImages
        spec.strategy = strategy
        spec.hosts = hosts ?? []
        spec.roles = roles ?? [:]
        spec.ssh = ssh ?? SSHSettings()
        spec.rollout = rollout
        spec.swarm = swarm ?? SwarmSettings()
        return spec
    }

    /// An effective config that holds only this environment: enough for the engines to act
    /// on recorded releases (their manifests hold every deployment).
    public func effective(root: String) -> EffectiveConfig {
        var config = ProjectConfig(project: project)
        config.environments = [spec]
        return EffectiveConfig(root: root, environment: environment, config: config,
                               tree: ConfigNode(.mapping([]), at: SourceLocation(file: "", line: 0, column: 0)), layers: [])
    }

    public static func path(stateDirectory: String, environment: String) -> String {
        "\(stateDirectory)/\(environment)/environment.json"
    }

    public func save(stateDirectory: String) throws {
        try AtomicFile.write(try FileStateStore.encoder.encode(self), to: Self.path(stateDirectory: stateDirectory, environment: environment))
    }

    public static func load(stateDirectory: String, environment: String) -> RecordedEnvironment? {
        FileManager.default.contents(atPath: path(stateDirectory: stateDirectory, environment: environment))
            .flatMap { try? FileStateStore.decoder.decode(RecordedEnvironment.self, from: $0) }
            .flatMap { $0.environment == environment ? $0 : nil }
    }
}
