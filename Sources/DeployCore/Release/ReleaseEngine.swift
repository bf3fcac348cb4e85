import Foundation

/// What happened to one deployment during a deploy or rollback.
public struct DeploymentResult: Equatable, Sendable, Codable {
    public var name: String
    public var action: String
    public var outcome: String
    @Nullable public var detail: String?
}

/// The result of `crank deploy` / `crank rollback`.
public struct ReleaseOutcome: Equatable, Sendable, Codable {
    public var environment: String
    @Nullable public var release: String?
    /// live, failed, unchanged, dry-run, rolled-back
    public var status: String
    public var deployments: [DeploymentResult]
    @Nullable public var failure: HealthFailure?
    /// The hooks that ran (deploy, automatic rollback, rollback), in order.
    public var hooks: [HookRun] = []
}

public struct DeployOptions: Sendable {
    public var only: [String] = []
    public var jobs = 4
    public var rollbackOnFailure = true
    public var reason: String?
    /// Prefect: create missing work pools (process or docker) instead of failing.
    public var createPools = false
    /// Prefect: delete crank's deployments of the environment that are no longer in config.
    public var prune = false
    public var arguments: [String] = []

    public init() {}
}

/// deploy → health gate → live, or restore the previous release: all or nothing.
public struct ReleaseEngine: Sendable {
    public enum Failure: Error, Equatable {
        case unsupportedTarget(TargetKind)
        case unsupported(deployment: String, reason: String)
        case unknownDeployment(String, known: [String])
        case state(String)
        case noSuchRelease(String, restorable: [String])
        case nothingToRollBack
        case notDeployed
        case prefect(PrefectClient.Failure)
        case missingWorkPool(name: String, type: String)
        case unsupportedAction(String, reason: String)
        /// A host of the environment could not be reached or trusted (SSH).
        case host(HostFailure)
    }

    public let effective: EffectiveConfig
    public let store: any StateStore
    public var runtime: LocalRuntime
    public let gate: HealthGate
    /// Told about each deployment as soon as it is done (the CLI prints a line per deployment).
    public var progress: (@Sendable (DeploymentResult) -> Void)?

    public init(effective: EffectiveConfig, store: any StateStore, runtime: LocalRuntime, gate: HealthGate) {
        self.effective = effective
        self.store = store
        self.runtime = runtime
        self.gate = gate
    }

    var environment: String { effective.environment ?? "" }
    var root: String { effective.root }

    /// Applies `manifest` (already built) to the local target.
    public func deploy(_ manifest: BuildManifest, options: DeployOptions) async throws(Failure) -> ReleaseOutcome {
        let target = effective.config.environment(environment)?.target ?? .local
        guard target == .local else { throw .unsupportedTarget(target) }
        var desired = manifest.entries.map(\.deployment)
        let known = desired.map(\.name)
        for name in options.only where !known.contains(name) { throw .unknownDeployment(name, known: known) }
        for deployment in desired where deployment.kind == .container || deployment.spec["argv"] == nil {
            throw .unsupported(deployment: deployment.name, reason: deployment.kind == .container
                ? "container deployments need `target: container` (or `kind: python` here)"
                : "a flow in a local environment is served with `prefect flow serve`, which needs environments.\(environment).prefect.api_url")
        }
        let (releases, live) = try await history()
        if !options.only.isEmpty {
            // Deployments left out keep what is live (or stay absent).
            desired = desired.filter { options.only.contains($0.name) }
                + (live?.deployments ?? []).filter { !options.only.contains($0.name) }
        }
        let diff = PlanDiff.compute(environment: environment, desired: desired, live: live.map { ($0.id, $0.deployments) })
        let changed = diff.deployments.filter { $0.action == .create || $0.action == .update }.map(\.name)
        let removed = diff.deployments.filter { $0.action == .delete }.map(\.name)
        // Not running, or running another spec than the desired one (an interrupted deploy's).
        let notRunning = desired.filter { deployment in
            guard let record = runtime.record(deployment.name), ProcessSupervisor.isAlive(record) else { return true }
            return Self.runningSpecHash(record, releases: releases) != deployment.specHash
        }.map(\.name)
        let toStart = changed + notRunning.filter { !changed.contains($0) }
        guard !toStart.isEmpty || !removed.isEmpty else {
            return ReleaseOutcome(environment: environment, release: live?.id, status: "unchanged",
                                  deployments: desired.map { DeploymentResult(name: $0.name, action: "unchanged", outcome: "running") }, failure: nil)
        }
        let record = try await ledger.open(after: releases, manifest: manifest, desired: desired, reason: options.reason)
        let id = record.id
        do {
            try SourceSnapshot.create(root: root, environment: environment, release: id)
        } catch {
            // Nothing was started: the release failed, it is not left pending.
            await ledger.fail(record, HealthFailure(deployment: "-", check: "snapshot", observed: "\(error)", threshold: "the release directory is written"))
            throw .state("cannot record release \(id): \(error)")
        }
        let directory = SourceSnapshot.directory(root: root, environment: environment, release: id)
        // pre_deploy hooks run with the new release's code before anything is stopped or started.
        var hookRuns: [HookRun] = []
        let (preRuns, preFailure) = await runHooks(.preDeploy, manifest.hooks, deployments: Set(toStart), release: id, rendered: desired)
        hookRuns = preRuns
        var release = record
        if let failure = preFailure {
            release.hooks = hookRuns.isEmpty ? nil : hookRuns
            await ledger.fail(release, failure)
            let untouched = toStart.map { DeploymentResult(name: $0, action: "start", outcome: "not started", detail: "pre_deploy hook failed") }
            return ReleaseOutcome(environment: environment, release: id, status: "failed", deployments: untouched, failure: failure, hooks: hookRuns)
        }
        let byName = Dictionary(uniqueKeysWithValues: desired.map { ($0.name, $0) })
        let results = await apply(toStart.compactMap { byName[$0] }, release: id, directory: directory, jobs: options.jobs)
        var failure = results.compactMap(\.failure).first
        if failure == nil {
            let (postRuns, postFailure) = await runHooks(.postDeploy, manifest.hooks, deployments: Set(toStart), release: id, rendered: desired)
            hookRuns += postRuns
            failure = postFailure
        }
        if let failure {
            var outcomes = results.map(\.result)
            if options.rollbackOnFailure {
                let (restored, rollbackRuns) = await rollBack(toStart, previous: live, results: outcomes)
                outcomes = restored
                hookRuns += rollbackRuns
            }
            release.hooks = hookRuns.isEmpty ? nil : hookRuns
            await ledger.fail(release, failure)
            return ReleaseOutcome(environment: environment, release: id, status: "failed", deployments: outcomes, failure: failure, hooks: hookRuns)
        }
        for name in removed { runtime.stop(name) }
        release.hooks = hookRuns.isEmpty ? nil : hookRuns
        try await ledger.promote(release, previous: live, previousBecomes: .superseded)
        let outcomes = results.map(\.result) + removed.map { DeploymentResult(name: $0, action: "delete", outcome: "removed") }
            + desired.filter { !toStart.contains($0.name) }.map { DeploymentResult(name: $0.name, action: "unchanged", outcome: "running") }
        return ReleaseOutcome(environment: environment, release: id, status: "live", deployments: outcomes, failure: nil, hooks: hookRuns)
    }

    var ledger: ReleaseLedger {
        ReleaseLedger(store: store, environment: environment, snapshots: SourceSnapshot.folder(root: root, environment: environment),
                      keepReleases: effective.config.environment(environment)?.keepReleases ?? 10)
    }

    func history() async throws(Failure) -> (releases: [ReleaseRecord], live: ReleaseRecord?) {
        try await ledger.history()
    }

    struct Applied: Sendable {
        var result: DeploymentResult
        var failure: HealthFailure?
    }

    /// Starts deployments with at most `jobs` at a time; each is gated on its health check.
    func apply(_ deployments: [RenderedDeployment], release: String, directory: String, jobs: Int) async -> [Applied] {
        await boundedConcurrency(deployments, jobs: jobs) { deployment in
            let applied = await self.replace(deployment, release: release, directory: directory)
            self.progress?(applied.result)
            return applied
        }
    }

    /// Replaces one deployment's process: with a fixed port the old one stops first (the
    /// port cannot be shared) and the port must then be free — crank's own strays holding it
    /// are stopped, anyone else's fails the deployment with the holder's pid; without a port
    /// the new one starts, passes its gate, then the old stops.
    func replace(_ deployment: RenderedDeployment, release: String, directory: String) async -> Applied {
        let old = runtime.record(deployment.name)
        let port = deployment.spec["port"].flatMap { if case .int(let value) = $0 { return value } else { return nil } }
        if let port {
            if let old { ProcessSupervisor.stop(old, grace: runtime.grace) }
            if let holder = runtime.claim(port: port) {
                let failure = HealthFailure(deployment: deployment.name, check: "port", observed: holder, threshold: "port \(port) free")
                return Applied(result: DeploymentResult(name: deployment.name, action: "start", outcome: "failed", detail: holder), failure: failure)
            }
        }
        let record: ProcessRecord
        do {
            record = try runtime.start(deployment, release: release, directory: directory)
        } catch {
            let failure = HealthFailure(deployment: deployment.name, check: "start", observed: "\(error)", threshold: "process starts")
            return Applied(result: DeploymentResult(name: deployment.name, action: "start", outcome: "failed", detail: "\(error)"), failure: failure)
        }
        let runtime = runtime
        var serving: (@Sendable () -> String?)?
        if let port { serving = { runtime.servingProblem(port: port, record: record) } }
        let failure = await gate.wait(deployment: deployment.name, health: deployment.spec["health"] ?? .null, port: port, directory: directory,
                                      alive: { ProcessSupervisor.isAlive(record) }, serving: serving)
        if let failure {
            return Applied(result: DeploymentResult(name: deployment.name, action: "start", outcome: "failed",
                                                    detail: "\(failure.check): \(failure.observed) (wanted \(failure.threshold))"), failure: failure)
        }
        if port == nil, let old, old.pid != record.pid { ProcessSupervisor.stop(old, grace: runtime.grace) }
        return Applied(result: DeploymentResult(name: deployment.name, action: "start", outcome: "deployed", detail: "pid \(record.pid)"), failure: nil)
    }

    /// After a failure: stop everything this deploy started and bring back what was live.
    func restore(_ names: [String], previous: ReleaseRecord?, results: [DeploymentResult]) async -> [DeploymentResult] {
        var outcomes: [DeploymentResult] = []
        for name in names {
            runtime.stop(name)
            let original = results.first { $0.name == name }
            // Why this deploy's process failed; the pid of one that started is gone once it is stopped.
            let why = original?.outcome == "failed" ? original?.detail : nil
            guard let previous, let old = previous.deployments.first(where: { $0.name == name }) else {
                outcomes.append(DeploymentResult(name: name, action: "rollback", outcome: original?.outcome == "failed" ? "failed, stopped" : "stopped",
                                                 detail: why))
                continue
            }
            let directory = SourceSnapshot.directory(root: root, environment: environment, release: previous.id)
            let restored = await replace(old, release: previous.id, directory: directory)
            // The restored process's pid (`pid N`), or why it could not be restored.
            let now = restored.failure.map { "restore failed: \($0.observed)" } ?? restored.result.detail
            let detail = [why, now].compactMap { $0 }.joined(separator: "; ")
            outcomes.append(DeploymentResult(name: name, action: "rollback", outcome: restored.failure == nil ? "restored \(previous.id)" : "restore failed",
                                             detail: detail.isEmpty ? nil : detail))
        }
        return outcomes
    }
}
