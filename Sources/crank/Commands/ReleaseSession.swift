import ArgumentParser
import DeployCore
import Foundation

/// What the release commands share: the effective config, the state store, the local
/// runtime, the engine, the lock (exit 3 when held) and the audit log.
struct ReleaseSession {
    let effective: EffectiveConfig
    let store: FileStateStore
    var engine: ReleaseEngine
    let terminal: Terminal
    let environment: String
    let started = Date()

    static func stateDirectory(root: String) -> String {
        ProcessInfo.processInfo.environment["CRANK_STATE_DIR"].map { PathResolver.absolute($0, from: root) } ?? root + "/.crank/state"
    }

    init(global: GlobalOptions, environment options: EnvironmentOptions, terminal: Terminal) throws {
        effective = try options.loadEffective(global: global, terminal: terminal)
        environment = options.env
        self.terminal = terminal
        store = FileStateStore(directory: Self.stateDirectory(root: effective.root))
        let processEnvironment = ProcessInfo.processInfo.environment
        let secrets = SecretStore.load(root: effective.root, environment: options.env, processEnvironment: processEnvironment)
        let runtime = LocalRuntime(root: effective.root, environment: options.env, secrets: secrets, processEnvironment: processEnvironment)
        engine = ReleaseEngine(effective: effective, store: store, runtime: runtime,
                               gate: HealthGate(http: URLSessionProbe(), runner: ProcessCommandRunner()))
    }

    var lock: DeployLock { DeployLock(stateDirectory: store.directory, environment: environment) }

    /// Runs `body` holding the environment's lock; a live holder means exit 3.
    func locked<T>(command: String, wait: Double, _ body: () async throws -> T) async throws -> T {
        do {
            if let stale = try await lock.acquire(command: command, wait: wait) {
                terminal.warning("took over a stale lock held by \(stale.description)")
                audit(command: "lock-break", arguments: [stale.description], outcome: "taken over", release: nil)
            }
        } catch .held(let holder) {
            terminal.error("environment \(environment) is locked by \(holder.description)",
                           hint: "wait with --lock-wait 5m, or if it is certainly dead: crank lock release --env \(environment) --force --reason '…'")
            throw ExitCode(3)
        } catch .cannotWrite(let reason) {
            terminal.error("cannot take the lock: \(reason)", hint: "check that .crank/state is writable")
            throw ExitCode(1)
        }
        defer { lock.release() }
        return try await body()
    }

    func audit(command: String, arguments: [String], outcome: String, release: String?) {
        let entry = AuditEntry(command: command, arguments: arguments, outcome: outcome, started: started, release: release)
        do { try store.appendAudit(environment: environment, entry) } catch { terminal.warning("cannot append to the audit log: \(error)") }
    }

    /// Exits 1 with the engine's error as `error:` / `hint:`.
    func fail(_ failure: ReleaseEngine.Failure) -> ExitCode {
        switch failure {
        case .unsupportedTarget(let target):
            terminal.error("deploy to a `\(target.rawValue)` environment is not available yet", hint: "use a `target: local` environment")
        case .unsupported(let deployment, let reason):
            terminal.error("deployment '\(deployment)': \(reason)", hint: "remove it from this environment with `\(deployment): null` under deployments: in its overlay")
        case .unknownDeployment(let name, let known):
            terminal.error("no deployment '\(name)' in \(environment)", hint: "deployments: \(known.joined(separator: ", "))")
        case .state(let reason):
            terminal.error(reason, hint: "check that .crank/ is writable")
        case .noSuchRelease(let id, let restorable):
            terminal.error("release \(id) cannot be restored", hint: restorable.isEmpty ? "no release can be restored" : "restorable releases: \(restorable.joined(separator: ", "))")
        case .notDeployed:
            terminal.error("nothing is deployed in \(environment)", hint: "deploy first: crank deploy --env \(environment)")
        case .nothingToRollBack:
            terminal.error("nothing to roll back to in \(environment)", hint: "`crank history --env \(environment)` lists the releases")
        }
        return ExitCode(1)
    }
}
