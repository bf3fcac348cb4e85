import Foundation

/// One deployment's state now, for `crank status`.
public struct DeploymentStatus: Equatable, Sendable, Codable {
    public var name: String
    /// running, stopped, crashed
    public var state: String
    @Nullable public var pid: Int32?
    @Nullable public var port: Int?
    @Nullable public var uptimeSeconds: Int?
    @Nullable public var health: String?
    /// Why what runs differs from the live release, if it does.
    @Nullable public var drift: String?
    /// The host it runs on (environments with `hosts:`); nil on this machine.
    @Nullable public var host: String?

    enum CodingKeys: String, CodingKey { case name, state, pid, port, uptimeSeconds = "uptime_seconds", health, drift, host }
}

public struct EnvironmentStatus: Equatable, Sendable, Codable {
    public var environment: String
    @Nullable public var live: String?
    public var deployments: [DeploymentStatus]
}

extension ReleaseEngine {
    /// Re-applies a recorded release (default: the one live before the current one), gated.
    public func rollback(to requested: String?) async throws(Failure) -> ReleaseOutcome {
        let (releases, live) = try await history()
        let target = try ReleaseLedger.rollbackTarget(releases, live: live, requested: requested) {
            SourceSnapshot.exists(root: root, environment: environment, release: $0.id)
        }
        let directory = SourceSnapshot.directory(root: root, environment: environment, release: target.id)
        let wanted = target.deployments
        // The restored release's own rollback hooks, with its code: a failing pre_rollback
        // stops the rollback before anything changes.
        let hooks = Hook.recorded(in: target.manifest)
        let names = Set(wanted.map(\.name))
        let (preRuns, preFailure) = await runHooks(.preRollback, hooks, deployments: names, release: target.id, rendered: wanted)
        if let preFailure {
            let untouched = wanted.map { DeploymentResult(name: $0.name, action: "restore", outcome: "not started", detail: "pre_rollback hook failed") }
            return ReleaseOutcome(environment: environment, release: target.id, status: "failed", deployments: untouched, failure: preFailure, hooks: preRuns)
        }
        let results = await apply(wanted, release: target.id, directory: directory, jobs: 4)
        if let failure = results.compactMap(\.failure).first {
            // Put the live release back as it was.
            var outcomes = results.map(\.result)
            if let live {
                let liveDirectory = SourceSnapshot.directory(root: root, environment: environment, release: live.id)
                outcomes += await apply(live.deployments, release: live.id, directory: liveDirectory, jobs: 4).map(\.result)
            }
            return ReleaseOutcome(environment: environment, release: target.id, status: "failed", deployments: outcomes, failure: failure, hooks: preRuns)
        }
        for record in runtime.records() where !wanted.contains(where: { $0.name == record.deployment }) { runtime.stop(record.deployment) }
        try await ledger.promote(target, previous: live, previousBecomes: .rolledBack)
        // post_rollback runs once the restored release is live; its failure is reported (exit 1)
        // but does not undo the rollback.
        let (postRuns, postFailure) = await runHooks(.postRollback, hooks, deployments: names, release: target.id, rendered: wanted)
        return ReleaseOutcome(environment: environment, release: target.id, status: "rolled-back", deployments: results.map(\.result),
                              failure: postFailure, hooks: preRuns + postRuns)
    }

    /// What runs now against what the live release recorded: the records, and processes
    /// crank started that no record names (a killed crank's, a deleted record's).
    public func status() async throws(Failure) -> EnvironmentStatus {
        let (releases, live) = try await history()
        var statuses: [DeploymentStatus] = []
        let found = runtime.orphans()
        let observed = runtime.observed(orphans: found)
        let orphans = Set(found.map(\.pid))
        let names = Set((live?.deployments.map(\.name) ?? []) + observed.map(\.deployment)).sorted()
        for name in names {
            let spec = live?.deployments.first { $0.name == name }
            guard let record = observed.first(where: { $0.deployment == name }) else {
                statuses.append(DeploymentStatus(name: name, state: "stopped", drift: spec == nil ? nil : "not running"))
                continue
            }
            let alive = ProcessSupervisor.isAlive(record)
            let port = record.port ?? spec.flatMap { if case .int(let port)? = $0.spec["port"] { return port } else { return nil } }
            var drift: String?
            if spec == nil {
                drift = "not in the live release"
            } else if let spec, Self.runningSpecHash(record, releases: releases) != spec.specHash {
                drift = "runs \(record.release), live is \(live?.id ?? "none")"
            }
            if orphans.contains(record.pid) { drift = [drift, "not recorded (left by a killed crank; the next command adopts it)"].compactMap { $0 }.joined(separator: "; ") }
            if !alive { drift = "not running" }
            var health: String?
            if alive, let spec, case .object(var check)? = spec.spec["health"] {
                check["timeout"] = .int(2)
                let runtime = runtime
                var serving: (@Sendable () -> String?)?
                if let port { serving = { runtime.servingProblem(port: port, record: record) } }
                let failure = await gate.wait(deployment: name, health: .object(check), port: port,
                                              directory: SourceSnapshot.directory(root: root, environment: environment, release: record.release),
                                              alive: { true }, serving: serving)
                health = failure.map { "failing: \($0.observed)" } ?? "passing"
            }
            statuses.append(DeploymentStatus(
                name: name, state: alive ? "running" : "crashed", pid: record.pid, port: port,
                uptimeSeconds: alive ? Int(Date().timeIntervalSince(record.startedAt)) : nil, health: health, drift: drift))
        }
        return EnvironmentStatus(environment: environment, live: live?.id, deployments: statuses)
    }

    /// The spec hash of what `record` runs: its release's recorded spec of the deployment (an
    /// unchanged deployment keeps running from the release that last changed it).
    static func runningSpecHash(_ record: ProcessRecord, releases: [ReleaseRecord]) -> String? {
        releases.first { $0.id == record.release }?.deployments.first { $0.name == record.deployment }?.specHash
    }

    /// `crank start|stop|restart`: on deployments of the live release.
    public func lifecycle(_ action: String, names: [String]) async throws(Failure) -> [DeploymentResult] {
        guard let live = try await history().live else { throw .notDeployed }
        let known = live.deployments.map(\.name)
        for name in names where !known.contains(name) { throw .unknownDeployment(name, known: known) }
        let selected = live.deployments.filter { names.contains($0.name) }
        let directory = SourceSnapshot.directory(root: root, environment: environment, release: live.id)
        return await withTaskGroup(of: DeploymentResult.self) { group in
            for deployment in selected {
                group.addTask {
                    switch action {
                    case "stop":
                        let stopped = self.runtime.stop(deployment.name)
                        return DeploymentResult(name: deployment.name, action: action, outcome: stopped ? "stopped" : "timed out")
                    case "start":
                        if let record = self.runtime.record(deployment.name), ProcessSupervisor.isAlive(record) {
                            return DeploymentResult(name: deployment.name, action: action, outcome: "already running", detail: "pid \(record.pid)")
                        }
                        return await self.replace(deployment, release: live.id, directory: directory).result
                    default:
                        self.runtime.stop(deployment.name)
                        return await self.replace(deployment, release: live.id, directory: directory).result
                    }
                }
            }
            var results: [DeploymentResult] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.name < $1.name }
        }
    }

    /// `crank clean`: stop every deployment of the environment (orphans too); nothing is live afterwards.
    public func clean() async throws(Failure) -> [DeploymentResult] {
        let results = runtime.observed().map { record in
            DeploymentResult(name: record.deployment, action: "stop", outcome: runtime.stop(record.deployment) ? "stopped" : "timed out")
        }
        try await ledger.clear()
        return results
    }
}
