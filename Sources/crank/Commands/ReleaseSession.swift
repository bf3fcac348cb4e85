import ArgumentParser
import DeployCore
import Foundation

/// What the release commands share: the effective config, the environment's target
/// (`EnvironmentTarget`: engine, state store, lock — exit 3 when held), and the audit log.
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
    /// Acting on the recorded settings because the config on disk cannot be used.
    let fromRecord: Bool
    let started = Date()

    /// `podman logs PROJECT-DEPLOYMENT-RELEASE` for a container environment's failed deployment.
    func containerLogs(release: String?) -> ((String) -> String)? {
        guard target == .container, let release, let spec = effective.config.environment(environment) else { return nil }
        let executable = BuildInputs.engine(for: spec, path: ProcessInfo.processInfo.environment["PATH"])
        let project = effective.config.project
        return { "\((executable as NSString).lastPathComponent) logs \(project)-\($0)-\(release)" }
    }

    static func stateDirectory(root: String) -> String {
        EnvironmentTarget.stateDirectory(root: root, processEnvironment: ProcessInfo.processInfo.environment)
    }

    /// `grace`: seconds a stopping process gets before SIGKILL (local target).
    /// `recorded`: the command acts on what is already deployed — when the config on disk is
    /// broken or gone, it goes on with the environment's recorded settings (with a warning).
    init(global: GlobalOptions, environment options: EnvironmentOptions, terminal: Terminal, grace: Double = 10, recorded: Bool = false) throws {
        let processEnvironment = ProcessInfo.processInfo.environment
        var effective: EffectiveConfig
        var fromRecord = false
        if recorded {
            let root = global.resolvedRoot()
            switch options.loadIfValid(root: root) {
            case .success(let loaded):
                effective = loaded
            case .failure(let problem):
                let state = EnvironmentTarget.stateDirectory(root: root, processEnvironment: processEnvironment)
                guard let saved = RecordedEnvironment.load(stateDirectory: state, environment: options.env) else {
                    terminal.report(problem.issues)
                    terminal.note("the config has errors and \(options.env) has no recorded settings in \(state) (nothing was deployed from here); `crank validate --env \(options.env)` lists the errors")
                    throw ExitCode(1)
                }
                if !global.json { terminal.warning("\(problem.summary); acting on \(options.env)'s recorded releases (target \(saved.target.rawValue))") }
                effective = saved.effective(root: root)
                fromRecord = true
            }
        } else {
            effective = try options.loadEffective(global: global, terminal: terminal)
        }
        self.effective = effective
        self.fromRecord = fromRecord
        environment = options.env
        self.terminal = terminal
        let opened: EnvironmentTarget
        do {
            opened = try EnvironmentTarget.open(effective, environment: options.env, processEnvironment: processEnvironment, grace: grace)
        } catch {
            Self.report(error, on: terminal)
            throw ExitCode(1)
        }
        cache = opened.cache
        store = opened.store
        lock = opened.lock
        engine = opened.engine
        target = opened.kind
        warnAboutState()
    }

    /// An SSH failure, with the fix; nothing was changed when a probe fails.
    static func report(_ failure: HostFailure, environment: String, on terminal: Terminal) {
        switch failure {
        case .unreachable(let host, let reason):
            terminal.error("host \(host) is unreachable: \(reason)",
                           hint: "check environments.\(environment).hosts.\(host) (address, port) and that sshd runs there; a deploy that cannot reach every host changes nothing")
        case .unknownHostKey(let host, let fingerprint, let fix):
            terminal.error("host \(host) offered a host key that is not in known_hosts: \(fingerprint)",
                           hint: "check that fingerprint out of band (on the host: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then add it: \(fix)")
        case .changedHostKey(let host, let fingerprint):
            terminal.error("the host key of \(host) changed (it now offers \(fingerprint)): someone may be intercepting the connection",
                           hint: "if \(host) was reinstalled, replace its line in the known_hosts file (ssh-keygen -R) with the new key; otherwise do not deploy")
        case .authentication(let host, let reason):
            terminal.error("cannot log in to \(host): \(reason)",
                           hint: "check environments.\(environment).ssh.identity_file (or identity_secret) and the host's user; the public key must be in its authorized_keys")
        case .command(let host, let status, let stderr):
            terminal.error("a command failed on \(host) (exit \(status)): \(stderr)", hint: "run the command by hand over ssh to see why")
        }
    }

    static func report(_ failure: EnvironmentTarget.Failure, on terminal: Terminal) {
        switch failure {
        case .noPrefectURL(let env, let value):
            terminal.error("environment \(env) has no usable Prefect API URL (\(value ?? "unset"))",
                           hint: "set environments.\(env).prefect.api_url, e.g. http://127.0.0.1:4200/api")
        case .missingAPIKey(let name, let env):
            terminal.error("secret \(name) (the Prefect API key) has no value", hint: "export \(name)=… or add it to \(SecretStore.file(for: env))")
        case .missingSSHKey(let name, let env):
            terminal.error("secret \(name) (the SSH key of \(env)'s hosts) has no value", hint: "export \(name)=\"$(cat KEYFILE)\" or add it to \(SecretStore.file(for: env))")
        case .cannotWriteKey(let reason):
            terminal.error("cannot write the SSH key for this run: \(reason)", hint: "check that /tmp is writable")
        }
    }

    /// Records the environment's target settings for commands that must work when the config
    /// is broken later (rollback, status, stop, clean, …).
    func recordSettings() {
        guard !fromRecord, let spec = effective.config.environment(environment) else { return }
        do { try RecordedEnvironment(project: effective.config.project, spec: spec).save(stateDirectory: cache.directory) } catch {
            terminal.warning("cannot record \(environment)'s settings: \(error)")
        }
    }

    /// Runs `body` holding the environment's lock; a live holder means exit 3.
    /// Once the lock is held, what a killed crank left is recovered first (`recover`):
    /// orphans adopted, interrupted releases marked, and — when `restore` — the live release
    /// put back where an interrupted deploy changed it.
    func locked<T>(command: String, wait: Double, restore: Bool = true, _ body: () async throws -> T) async throws -> T {
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
        let recovery = try await recoverState()
        do {
            try await recover(interrupted: restore ? recovery.interrupted : [])
            let result = try await body()
            await lock.release(force: false)
            return result
        } catch {
            await lock.release(force: false)
            throw error
        }
    }

    /// Lets the engine take back what a killed crank left (orphans) and, for releases whose
    /// deploy was `interrupted`, put the live release back; every action is a warning and audited.
    func recover(interrupted ids: [String]) async throws {
        let recovered: [DeploymentResult]
        do throws(ReleaseEngine.Failure) {
            let interrupted = ids.isEmpty ? [] : try await StateMaintenance.releases(store: store, environment: environment, ids: ids)
            recovered = try await engine.recover(after: interrupted)
        } catch {
            throw fail(error)
        }
        for result in recovered {
            terminal.warning("recovered \(result.name): \(result.outcome)\(result.detail.map { " (\($0))" } ?? "")")
        }
        guard !recovered.isEmpty else { return }
        await audit(command: "recover", arguments: recovered.map { "\($0.name) \($0.outcome)" },
                    outcome: recovered.contains { $0.outcome.contains("fail") } ? "failed" : "recovered", release: nil)
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

    func audit(command: String, arguments: [String], outcome: String, release: String?, hooks: [HookRun] = []) async {
        var entry = AuditEntry(command: command, arguments: arguments, outcome: outcome, started: started, release: release)
        entry.hooks = hooks.isEmpty ? nil : hooks
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
        case .host(let failure):
            Self.report(failure, environment: environment, on: terminal)
        case .unsupportedAction(let action, let reason):
            terminal.error("`crank \(action)` does not apply to the Prefect environment \(environment)", hint: reason)
        }
        return ExitCode(1)
    }
}
