import Foundation

/// Everything that acts on one environment, chosen by its target: the release engine, the
/// store that keeps its history (the Prefect server, or files), the local copy of that history,
/// and the deploy lock. A library user deploys with `open(…)` and the engine's `deploy`, as the
/// CLI does. Each engine's transport (processes, container engine, Prefect API) is a value
/// inside it, swappable for tests.
public struct EnvironmentTarget: Sendable {
    public enum Failure: Error, Equatable {
        /// `environments.<env>.prefect.api_url` is missing or not an http(s) URL.
        case noPrefectURL(environment: String, value: String?)
        /// The secret holding the Prefect API key has no value.
        case missingAPIKey(secret: String, environment: String)
        /// `ssh.identity_secret` names a secret without a value.
        case missingSSHKey(secret: String, environment: String)
        case cannotWriteKey(String)
    }

    public let effective: EffectiveConfig
    public let kind: TargetKind
    public let store: any StateStore
    /// The local copy of the history (the store itself for local and container environments).
    public let cache: FileStateStore
    public let lock: any EnvironmentLock
    public var engine: any ReleaseTarget

    /// `.crank/state`, or `CRANK_STATE_DIR` (relative to the root) for a shared directory.
    public static func stateDirectory(root: String, processEnvironment: [String: String]) -> String {
        processEnvironment["CRANK_STATE_DIR"].map { PathResolver.absolute($0, from: root) } ?? root + "/.crank/state"
    }

    /// `grace`: seconds a stopping process or container gets before it is killed.
    public static func open(_ effective: EffectiveConfig, environment: String, processEnvironment: [String: String],
                            grace: Double = 10) throws(Failure) -> EnvironmentTarget {
        let cache = FileStateStore(directory: stateDirectory(root: effective.root, processEnvironment: processEnvironment))
        // State, logs and release copies go under .crank/; a failure to write there is reported by what writes them.
        try? CrankDirectory.ensure(projectRoot: effective.root)
        let secrets = SecretStore.load(root: effective.root, environment: environment, processEnvironment: processEnvironment)
        let spec = effective.config.environment(environment)
        let kind = spec?.target ?? .local
        let gate = HealthGate(http: URLSessionProbe(), runner: ProcessCommandRunner())
        let fileLock = DeployLock(stateDirectory: cache.directory, environment: environment)
        switch (kind, spec) {
        case (.prefect, let spec?):
            let client = try prefectClient(spec, secrets: secrets)
            let store = PrefectStateStore(client: client, project: effective.config.project, cache: cache)
            return EnvironmentTarget(effective: effective, kind: kind, store: store, cache: cache,
                                     lock: PrefectLock(client: client, project: effective.config.project, environment: environment),
                                     engine: PrefectReleaseEngine(effective: effective, store: store, client: client, secrets: secrets))
        case (.container, let spec?):
            let executable = BuildInputs.engine(for: spec, path: processEnvironment["PATH"])
            var containers = ContainerReleaseEngine(
                effective: effective, store: cache,
                engine: ContainerEngine(executable: executable, runner: DaemonSafeCommandRunner(), environment: processEnvironment),
                gate: gate, secrets: secrets)
            containers.grace = Int(grace.rounded(.up))
            if spec.strategy == .blueGreen {
                containers.proxy = NginxProxy(directory: NginxProxy.directory(stateDirectory: cache.directory, environment: environment),
                                              runner: ProcessCommandRunner())
            }
            guard spec.hasHosts else {
                return EnvironmentTarget(effective: effective, kind: kind, store: cache, cache: cache, lock: fileLock, engine: containers)
            }
            let (fleet, lock) = try hostFleet(spec, effective: effective, secrets: secrets, stateDirectory: cache.directory)
            var hosts = HostContainerReleaseEngine(local: containers, fleet: fleet)
            hosts.grace = containers.grace
            return EnvironmentTarget(effective: effective, kind: kind, store: cache, cache: cache, lock: lock, engine: hosts)
        case (.swarm, let spec?):
            // The manager's engine: `swarm.docker_host`, else the caller's DOCKER_HOST.
            var swarmEnvironment = processEnvironment
            if let host = spec.swarm.dockerHost { swarmEnvironment["DOCKER_HOST"] = host }
            let docker = ExecutableLocator.find("docker", path: processEnvironment["PATH"]) ?? "docker"
            var engine = SwarmReleaseEngine(
                effective: effective, store: cache,
                swarm: SwarmCLI(executable: docker, runner: DaemonSafeCommandRunner(), environment: swarmEnvironment),
                builder: ContainerEngine(executable: BuildInputs.engine(for: spec, path: processEnvironment["PATH"]),
                                         runner: DaemonSafeCommandRunner(), environment: processEnvironment),
                gate: gate, secrets: secrets)
            engine.fingerprint = try? SecretFingerprint.load(root: effective.root)
            engine.address = SwarmReleaseEngine.gateAddress(dockerHost: swarmEnvironment["DOCKER_HOST"])
            // `publish: proxy` fronts the tasks with crank's nginx on this node (the manager's).
            if engine.address == "127.0.0.1" {
                engine.proxy = NginxProxy(directory: NginxProxy.directory(stateDirectory: cache.directory, environment: environment),
                                          runner: ProcessCommandRunner())
            }
            return EnvironmentTarget(effective: effective, kind: kind, store: cache, cache: cache, lock: fileLock, engine: engine)
        case (.local, let spec?) where spec.hasHosts:
            let (fleet, lock) = try hostFleet(spec, effective: effective, secrets: secrets, stateDirectory: cache.directory)
            var hosts = HostReleaseEngine(effective: effective, store: cache, transports: fleet.transports, runner: fleet.runner, gate: gate, secrets: secrets)
            hosts.grace = Int(grace.rounded(.up))
            return EnvironmentTarget(effective: effective, kind: .local, store: cache, cache: cache, lock: lock, engine: hosts)
        default:
            var runtime = LocalRuntime(root: effective.root, environment: environment, secrets: secrets, processEnvironment: processEnvironment)
            runtime.grace = grace
            return EnvironmentTarget(effective: effective, kind: .local, store: cache, cache: cache, lock: fileLock,
                                     engine: ReleaseEngine(effective: effective, store: cache, runtime: runtime, gate: gate))
        }
    }

    /// The environment's hosts over ssh (a key from a secret written to a private file) and
    /// the deploy lock, kept on its first host: two machines deploying to the same hosts
    /// exclude each other. Every command sent to a host is logged in `remote.log`.
    static func hostFleet(_ spec: EnvironmentSpec, effective: EffectiveConfig, secrets: SecretStore,
                          stateDirectory: String) throws(Failure) -> (HostFleet, HostLock) {
        var ssh = spec.ssh
        if let name = ssh.identitySecret {
            guard let key = secrets.value(name) else { throw .missingSSHKey(secret: name, environment: spec.name) }
            do { ssh.identityFile = try SSHTransport.materializeKey(key) } catch { throw .cannotWriteKey("\(error)") }
        }
        let control = SSHTransport.defaultControlDirectory
        let transports = Dictionary(spec.hosts.map { ($0.name, SSHTransport(host: $0, settings: ssh, controlDirectory: control)) },
                                    uniquingKeysWith: { first, _ in first })
        // Every ssh call is logged (`.crank/state/<env>/remote.log`).
        let runner = RemoteCommandLog(base: ProcessCommandRunner(), path: "\(stateDirectory)/\(spec.name)/remote.log")
        let fleet = HostFleet(transports: transports, settings: ssh, runner: runner)
        let lock = HostLock(transport: transports[spec.hosts[0].name]!, project: effective.config.project, environment: spec.name, runner: fleet.runner)
        return (fleet, lock)
    }

    static func prefectClient(_ spec: EnvironmentSpec, secrets: SecretStore) throws(Failure) -> PrefectClient {
        guard let text = spec.prefectAPIURL, let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            throw .noPrefectURL(environment: spec.name, value: spec.prefectAPIURL)
        }
        var key: String?
        if let name = spec.prefectAPIKeySecret {
            guard let value = secrets.value(name) else { throw .missingAPIKey(secret: name, environment: spec.name) }
            key = value
        }
        return PrefectClient(apiURL: url, apiKey: key)
    }
}
