import ArgumentParser
import DeployCore
import Foundation

/// What the release commands share: the effective config, the environment's target
/// (local processes or a Prefect server), its state store and lock (exit 3 when held),
/// and the audit log.
struct ReleaseSession {
    let effective: EffectiveConfig
    let store: any StateStore
    /// The local copy of the history (the store itself for local environments).
    let cache: FileStateStore
    let lock: any EnvironmentLock
    var engine: any ReleaseTarget
    let terminal: Terminal
    let environment: String
    let target: TargetKind
    let started = Date()

    /// `podman logs PROJECT-DEPLOYMENT-RELEASE` for a container environment's failed deployment.
    func containerLogs(release: String?) -> ((String) -> String)? {
        guard target == .container, let release, let spec = effective.config.environment(environment) else { return nil }
        let executable = BuildInputs.engine(for: spec, path: ProcessInfo.processInfo.environment["PATH"])
        let project = effective.config.project
        return { "\((executable as NSString).lastPathComponent) logs \(project)-\($0)-\(release)" }
    }

    static func stateDirectory(root: String) -> String {
        ProcessInfo.processInfo.environment["CRANK_STATE_DIR"].map { PathResolver.absolute($0, from: root) } ?? root + "/.crank/state"
    }

    /// `grace`: seconds a stopping process gets before SIGKILL (local target).
    init(global: GlobalOptions, environment options: EnvironmentOptions, terminal: Terminal, grace: Double = 10) throws {
        let effective = try options.loadEffective(global: global, terminal: terminal)
        self.effective = effective
        environment = options.env
        self.terminal = terminal
        cache = FileStateStore(directory: Self.stateDirectory(root: effective.root))
        let processEnvironment = ProcessInfo.processInfo.environment
        let secrets = SecretStore.load(root: effective.root, environment: options.env, processEnvironment: processEnvironment)
        let spec = effective.config.environment(options.env)
        target = spec?.target ?? .local
        if target == .prefect, let spec {
            let client = try Self.prefectClient(spec, secrets: secrets, terminal: terminal)
            store = PrefectStateStore(client: client, project: effective.config.project, cache: cache)
            lock = PrefectLock(client: client, project: effective.config.project, environment: options.env)
            engine = PrefectReleaseEngine(effective: effective, store: store, client: client, secrets: secrets)
        } else if target == .container, let spec {
            store = cache
            lock = DeployLock(stateDirectory: cache.directory, environment: options.env)
            let executable = BuildInputs.engine(for: spec, path: processEnvironment["PATH"])
            var containers = ContainerReleaseEngine(
                effective: effective, store: cache, engine: ContainerEngine(executable: executable, runner: DaemonSafeCommandRunner(), environment: processEnvironment),
                gate: HealthGate(http: URLSessionProbe(), runner: ProcessCommandRunner()), secrets: secrets)
            containers.grace = Int(grace.rounded(.up))
            if spec.strategy == .blueGreen {
                containers.proxy = NginxProxy(directory: NginxProxy.directory(stateDirectory: cache.directory, environment: options.env),
                                              runner: ProcessCommandRunner())
            }
            engine = containers
        } else {
            var runtime = LocalRuntime(root: effective.root, environment: options.env, secrets: secrets, processEnvironment: processEnvironment)
            runtime.grace = grace
            store = cache
            lock = DeployLock(stateDirectory: cache.directory, environment: options.env)
            engine = ReleaseEngine(effective: effective, store: cache, runtime: runtime,
                                   gate: HealthGate(http: URLSessionProbe(), runner: ProcessCommandRunner()))
        }
        warnAboutState()
    }

    static func prefectClient(_ spec: EnvironmentSpec, secrets: SecretStore, terminal: Terminal) throws -> PrefectClient {
        guard let text = spec.prefectAPIURL, let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else {
            terminal.error("environment \(spec.name) has no usable Prefect API URL (\(spec.prefectAPIURL ?? "unset"))",
                           hint: "set environments.\(spec.name).prefect.api_url, e.g. http://127.0.0.1:4200/api")
            throw ExitCode(1)
        }
        var key: String?
        if let name = spec.prefectAPIKeySecret {
            guard let value = secrets.value(name) else {
                terminal.error("secret \(name) (the Prefect API key) has no value", hint: "export \(name)=… or add it to \(SecretStore.file(for: spec.name))")
                throw ExitCode(1)
            }
            key = value
        }
        return PrefectClient(apiURL: url, apiKey: key)
    }

    /// Runs `body` holding the environment's lock; a live holder means exit 3.
    func locked<T>(command: String, wait: Double, _ body: () async throws -> T) async throws -> T {
        do {
            if let stale = try await lock.acquire(command: command, wait: wait) {
                terminal.warning("took over a stale lock held by \(stale.description)")
                await audit(command: "lock-break", arguments: [stale.description], outcome: "taken over", release: nil)
            }
        } catch .held(let holder) {
            terminal.error("environment \(environment) is locked by \(holder.description)",
                           hint: holder.unreadable != nil ? "if no crank is running, remove it: crank lock release --env \(environment) --force --reason '…'"
                               : "wait with --lock-wait 5m, or if it is certainly dead: crank lock release --env \(environment) --force --reason '…'")
            throw ExitCode(3)
        } catch .cannotWrite(let reason, let hint) {
            terminal.error("cannot take the lock: \(reason)", hint: hint.isEmpty ? "check that .crank/state is writable" : hint)
            throw ExitCode(1)
        } catch .server(let failure) {
            throw fail(.prefect(failure))
        }
        try await recoverState()
        do {
            let result = try await body()
            await lock.release(force: false)
            return result
        } catch {
            await lock.release(force: false)
            throw error
        }
    }

    /// The releases, newest last; from the local copy (with a warning) when the server is unreachable.
    func releases() async throws -> [ReleaseRecord] {
        do {
            return try await store.releases(environment: environment)
        } catch {
            terminal.warning("cannot read the history from the Prefect server (\(error)); showing the local copy in \(cache.directory)")
            return cache.releases(environment: environment)
        }
    }

    func audit(command: String, arguments: [String], outcome: String, release: String?) async {
        let entry = AuditEntry(command: command, arguments: arguments, outcome: outcome, started: started, release: release)
        do { try await store.appendAudit(environment: environment, entry) } catch { terminal.warning("cannot append to the audit log: \(error)") }
    }

    static func prefectHint(_ environment: String) -> String {
        "is the Prefect server running? check environments.\(environment).prefect.api_url (or PREFECT_API_URL) and `curl <api_url>/health`"
    }

    /// Exits 1 with the engine's error as `error:` / `hint:`.
    func fail(_ failure: ReleaseEngine.Failure) -> ExitCode {
        switch failure {
        case .unsupportedTarget(let target):
            terminal.error("deploy to a `\(target.rawValue)` environment is not available", hint: "use a `target: local`, `prefect` or `container` environment")
        case .unsupported(let deployment, let reason):
            terminal.error("deployment '\(deployment)': \(reason)", hint: "remove it from this environment with `\(deployment): null` under deployments: in its overlay")
        case .unknownDeployment(let name, let known):
            terminal.error("no deployment '\(name)' in \(environment)", hint: "deployments: \(known.joined(separator: ", "))")
        case .state(let reason):
            terminal.error(reason, hint: target == .prefect ? Self.prefectHint(environment) : "check that .crank/ is writable")
        case .noSuchRelease(let id, let restorable):
            terminal.error("release \(id) cannot be restored", hint: restorable.isEmpty ? "no release can be restored" : "restorable releases: \(restorable.joined(separator: ", "))")
        case .notDeployed:
            terminal.error("nothing is deployed in \(environment)", hint: "deploy first: crank deploy --env \(environment)")
        case .nothingToRollBack:
            terminal.error("nothing to roll back to in \(environment)", hint: "`crank history --env \(environment)` lists the releases")
        case .prefect(let failure):
            let hint: String
            switch failure {
            case .unreachable: hint = Self.prefectHint(environment)
            case .timedOut: hint = "the server is up but did not answer in time (overloaded, or its database is locked); retry, or deploy with fewer --jobs"
            case .status(401, _), .status(403, _): hint = "check the API key: environments.\(environment).prefect.api_key_secret names the secret holding it"
            default: hint = "the server's answer is above; `crank validate --env \(environment)` checks the config"
            }
            terminal.error(PrefectFailureText.describe(failure), hint: hint)
        case .missingWorkPool(let name, let type):
            terminal.error("work pool '\(name)' does not exist in the Prefect server",
                           hint: "create it: prefect work-pool create \(name) --type \(type) — or let crank: crank deploy --env \(environment) --create-pools")
        case .unsupportedAction(let action, let reason):
            terminal.error("`crank \(action)` does not apply to the Prefect environment \(environment)", hint: reason)
        }
        return ExitCode(1)
    }
}
