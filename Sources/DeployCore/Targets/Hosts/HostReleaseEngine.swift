import Foundation

/// `target: local` with `hosts:`: every service/worker runs as a supervised process on each of
/// its hosts (`RemoteSupervisor` over `SSHTransport`), gated from crank's side (HTTP/TCP to the
/// host's address, `exec:` over SSH), in the batches of `rollout:` (`RolloutPlan`). All or
/// nothing across machines: when any host fails its gate, no later batch starts and every host
/// this deploy changed is put back to the previous release.
public struct HostReleaseEngine: ReleaseTarget {
    public typealias Failure = ReleaseEngine.Failure

    public let effective: EffectiveConfig
    public let store: any StateStore
    /// By host name.
    public let transports: [String: SSHTransport]
    public let runner: any CommandRunner
    public let gate: HealthGate
    public let secrets: SecretStore
    public var progress: (@Sendable (DeploymentResult) -> Void)?
    /// Seconds a stopping process gets before SIGKILL.
    public var grace = 10
    /// Seconds one remote call may take.
    public var callTimeout: TimeInterval = 120

    public init(effective: EffectiveConfig, store: any StateStore, transports: [String: SSHTransport], runner: any CommandRunner,
                gate: HealthGate, secrets: SecretStore) {
        self.effective = effective
        self.store = store
        self.transports = transports
        self.runner = runner
        self.gate = gate
        self.secrets = secrets
    }

    var environment: String { effective.environment ?? "" }
    var root: String { effective.root }
    var settings: EnvironmentSpec? { effective.config.environment(environment) }
    var maxParallel: Int { max(1, settings?.ssh.maxParallel ?? 10) }
    var ledger: ReleaseLedger {
        ReleaseLedger(store: store, environment: environment, snapshots: SourceSnapshot.folder(root: root, environment: environment),
                      keepReleases: settings?.keepReleases ?? 10)
    }

    /// One deployment on one host.
    struct Placement: Sendable {
        var deployment: RenderedDeployment
        var host: HostSpec
        var key: String { "\(deployment.name)@\(host.name)" }
    }

    struct Applied: Sendable {
        var result: DeploymentResult
        var failure: HealthFailure?
    }

    /// The hosts a rendered deployment runs on (its spec's `hosts`).
    static func hosts(_ deployment: RenderedDeployment) -> [HostSpec] {
        guard case .array(let items)? = deployment.spec["hosts"] else { return [] }
        return items.compactMap { item in
            guard case .object(let object) = item, case .string(let name)? = object["name"], case .string(let address)? = object["address"],
                  case .string(let root)? = object["root"] else { return nil }
            var port: Int?
            if case .int(let value)? = object["port"] { port = value }
            var user: String?
            if case .string(let value)? = object["user"] { user = value }
            return HostSpec(name: name, address: address, port: port, user: user, root: root)
        }
    }

    static func placements(_ deployments: [RenderedDeployment]) -> [Placement] {
        deployments.flatMap { deployment in hosts(deployment).map { Placement(deployment: deployment, host: $0) } }
    }

    static func port(_ deployment: RenderedDeployment) -> Int? {
        if case .int(let port)? = deployment.spec["port"] { return port }
        return nil
    }

    // MARK: remote calls

    /// The environment's hosts as `HostFleet` (shared with the container engine on hosts).
    var fleet: HostFleet { HostFleet(transports: transports, settings: settings?.ssh ?? SSHSettings(), runner: runner) }

    func transport(_ host: HostSpec) -> SSHTransport { fleet.transport(host) }

    /// One supervisor call, awaited off the cooperative pool (calls to many hosts run at once).
    func call(_ host: HostSpec, _ verb: String, _ arguments: [String], input: Data? = nil) async -> CommandResult {
        await runner.result(of: transport(host).command(RemoteSupervisor.call(verb, arguments), input: input), timeout: callTimeout)
    }

    func releaseDirectory(_ host: HostSpec, release: String) -> String { "\(host.root)/releases/\(environment)/\(release)" }

    /// The supervised processes of this environment on `host`.
    func listing(_ host: HostSpec) async throws(Failure) -> [RemoteSupervisor.Entry] {
        let result = await call(host, "list", [host.root, environment])
        guard result.status == 0 else { throw .state("cannot list \(environment)'s processes on \(host.name): \(Self.reason(result))") }
        return RemoteSupervisor.parseList(result.stdout)
    }

    /// Every host's supervised processes, listed in parallel; the listing doubles as the probe:
    /// a host that does not answer or is not trusted is its typed SSH failure, before anything changes.
    func listings(_ hosts: [HostSpec]) async throws(Failure) -> [String: [RemoteSupervisor.Entry]] {
        let results = await boundedConcurrency(HostFleet.unique(hosts), jobs: maxParallel) { host in (host, await self.call(host, "list", [host.root, self.environment])) }
        for (host, result) in results where result.status == 255 || result.timedOut {
            throw .host(transport(host).failure(result, runner: runner))
        }
        var entries: [String: [RemoteSupervisor.Entry]] = [:]
        for (host, result) in results {
            guard result.status == 0 else { throw .state("cannot list \(environment)'s processes on \(host.name): \(Self.reason(result))") }
            entries[host.name] = RemoteSupervisor.parseList(result.stdout)
        }
        return entries
    }

    static func reason(_ result: CommandResult) -> String {
        let text = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        return result.timedOut ? "timed out" : (text.isEmpty ? "exit \(result.status)" : text)
    }

    /// Every host answers (typed SSH failures: unreachable, unknown host key, authentication), checked in parallel.
    func probe(_ hosts: [HostSpec]) async throws(Failure) {
        if let problem = await fleet.probe(hosts) { throw .host(problem) }
    }

    /// Copies the release directory to `host` unless it is there already, in one call (see
    /// `SSHTransport.place`: two deployments shipping one release to a host at once both end up with it).
    func ship(_ release: String, to host: HostSpec) async -> String? {
        let remote = releaseDirectory(host, release: release)
        let local = SourceSnapshot.directory(root: root, environment: environment, release: release)
        guard FileManager.default.fileExists(atPath: local) else {
            return await call(host, "has", [remote]).status == 0 ? nil : "release \(release) is neither on \(host.name) nor in \(local)"
        }
        let placed = await runner.result(of: transport(host).place(directory: local, at: remote), timeout: 600)
        return placed.status == 0 ? nil : "copy to \(host.name) failed: \(Self.reason(placed))"
    }

    /// The process environment on the host: the deployment's env (secrets filled in), its
    /// secrets, where it runs (`HOST` = the host's address to bind, `CRANK_HOST`), CRANK_* ids.
    func variables(_ placement: Placement, release: String) -> [String: String] {
        var env: [String: String] = ["PYTHONUNBUFFERED": "1"]
        if case .object(let values)? = placement.deployment.spec["env"] {
            for (key, value) in values { if case .string(let text) = value { env[key] = secrets.unredact(text) } }
        }
        for name in placement.deployment.secretNames { env[name] = secrets.value(name) }
        env["HOST"] = env["HOST"] ?? placement.host.address
        env["CRANK_HOST"] = placement.host.name
        env["CRANK_ENVIRONMENT"] = environment
        env["CRANK_DEPLOYMENT"] = placement.deployment.name
        env["CRANK_RELEASE"] = release
        if let port = Self.port(placement.deployment) { env["CRANK_PORT"] = String(port) }
        if case .object(let reload)? = placement.deployment.spec["reload"], reload["signal"] != nil {
            // Where `crank reload` writes the new config on this host, and where the process acknowledges it.
            env["CRANK_CONFIG_FILE"] = Self.configFile(placement.host, environment: environment, deployment: placement.deployment.name)
            env["CRANK_CONFIG_APPLIED_FILE"] = Self.appliedFile(placement.host, environment: environment, deployment: placement.deployment.name)
        }
        return env
    }
}
