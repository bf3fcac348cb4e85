import Foundation

extension HostReleaseEngine {
    /// Re-applies a recorded release on its hosts, gated, in the batches of `rollout:` like a
    /// deploy; a failure puts the live one back where the rollback changed it.
    public func rollback(to requested: String?) async throws(Failure) -> ReleaseOutcome {
        let (releases, live) = try await ledger.history()
        let target = try ReleaseLedger.rollbackTarget(releases, live: live, requested: requested) {
            SourceSnapshot.exists(root: root, environment: environment, release: $0.id)
        }
        let wanted = Self.placements(target.deployments)
        try await probe(wanted.map(\.host) + Self.placements(live?.deployments ?? []).map(\.host))
        // The restored release's rollback hooks (see the local engine): pre_rollback can stop it.
        let hooks = Hook.recorded(in: target.manifest)
        let names = Set(target.deployments.map(\.name))
        let (preRuns, preFailure) = await runHooks(.preRollback, hooks, deployments: names, release: target.id, rendered: target.deployments)
        if let preFailure {
            return ReleaseOutcome(environment: environment, release: target.id, status: "failed",
                                  deployments: wanted.map { DeploymentResult(name: $0.deployment.name, action: "restore", outcome: "not started", detail: "\($0.host.name): pre_rollback hook failed") },
                                  failure: preFailure, hooks: preRuns)
        }
        let run = await replaceInBatches(wanted, release: target.id)
        let results = run.applied
        if let failure = run.failure {
            let outcomes = await restore(run.touched, previous: live, results: results.map(\.result))
            return ReleaseOutcome(environment: environment, release: target.id, status: "failed",
                                  deployments: results.map(\.result) + outcomes + Self.notStarted(run.skipped), failure: failure, hooks: preRuns)
        }
        let keys = Set(wanted.map(\.key))
        let stopped = await stop(Self.placements(live?.deployments ?? []).filter { !keys.contains($0.key) })
        try await ledger.promote(target, previous: live, previousBecomes: .rolledBack)
        let (postRuns, postFailure) = await runHooks(.postRollback, hooks, deployments: names, release: target.id, rendered: target.deployments)
        return ReleaseOutcome(environment: environment, release: target.id, status: "rolled-back", deployments: results.map(\.result) + stopped,
                              failure: postFailure, hooks: preRuns + postRuns)
    }

    /// Per deployment and host: running/crashed/stopped, pid, port, health now, drift.
    public func status() async throws(Failure) -> EnvironmentStatus {
        let (releases, live) = try await ledger.history()
        let placements = Self.placements(live?.deployments ?? [])
        let hosts = Dictionary(placements.map { ($0.host.name, $0.host) }, uniquingKeysWith: { first, _ in first })
        let listings = await boundedConcurrency(hosts.values.sorted { $0.name < $1.name }, jobs: maxParallel) { host in
            let listed: Result<[RemoteSupervisor.Entry], Failure>
            do throws(Failure) { listed = .success(try await self.listing(host)) } catch { listed = .failure(error) }
            return (host.name, listed)
        }
        let byHost = Dictionary(listings, uniquingKeysWith: { first, _ in first })
        var statuses: [DeploymentStatus] = []
        for placement in placements {
            let name = placement.deployment.name
            let host = placement.host
            var status = DeploymentStatus(name: name, state: "stopped", host: host.name)
            status.port = Self.port(placement.deployment)
            guard case .success(let entries)? = byHost[host.name] else {
                if case .failure(let error)? = byHost[host.name] { status.state = "unknown"; status.drift = "\(error)" }
                statuses.append(status)
                continue
            }
            guard let entry = entries.first(where: { $0.deployment == name }) else {
                status.drift = "not running"
                statuses.append(status)
                continue
            }
            status.pid = entry.pid
            status.state = entry.running ? "running" : "crashed"
            if !entry.running {
                status.drift = "not running"
            } else if Self.specHash(of: entry, releases: releases) != placement.deployment.specHash {
                status.drift = "runs \(entry.release), live is \(live?.id ?? "none")"
            }
            if entry.running, case .object(var check)? = placement.deployment.spec["health"] {
                check["timeout"] = .int(2)
                let failure = await gate.wait(deployment: name, health: .object(check), port: status.port, address: host.address,
                                              directory: releaseDirectory(host, release: entry.release), alive: { true })
                status.health = failure.map { "failing: \($0.observed)" } ?? "passing"
            }
            statuses.append(status)
        }
        return EnvironmentStatus(environment: environment, live: live?.id, deployments: statuses)
    }

    /// `start|stop|restart` of the live release's deployments on every host they run on.
    public func lifecycle(_ action: String, names: [String]) async throws(Failure) -> [DeploymentResult] {
        guard let live = try await ledger.history().live else { throw .notDeployed }
        let known = live.deployments.map(\.name)
        for name in names where !known.contains(name) { throw .unknownDeployment(name, known: known) }
        let selected = Self.placements(live.deployments.filter { names.contains($0.name) })
        try await probe(selected.map(\.host))
        return await boundedConcurrency(selected, jobs: maxParallel) { placement in
            let entry = (try? await self.listing(placement.host))?.first { $0.deployment == placement.deployment.name }
            switch action {
            case "stop":
                var stopped = true
                if let entry, entry.running { stopped = await self.stopProcess(entry, on: placement.host) }
                return DeploymentResult(name: placement.deployment.name, action: action, outcome: stopped ? "stopped" : "timed out", detail: placement.host.name)
            case "start" where entry?.running == true:
                return DeploymentResult(name: placement.deployment.name, action: action, outcome: "already running", detail: "\(placement.host.name) pid \(entry!.pid)")
            default:
                if let entry, entry.running { await self.stopProcess(entry, on: placement.host) }
                var result = await self.replace(placement, release: live.id).result
                result.action = action
                return result
            }
        }
    }

    /// Stops every process of the environment on every host it ran on; nothing is live after.
    public func clean() async throws(Failure) -> [DeploymentResult] {
        let (releases, _) = try await ledger.history()
        let all = Self.placements(releases.flatMap(\.deployments)) + (settings?.hosts ?? []).map { host in
            Placement(deployment: RenderedDeployment(name: "", kind: .python, role: .service, target: .local, spec: [:]), host: host)
        }
        let hosts = Dictionary(all.map { ($0.host.name, $0.host) }, uniquingKeysWith: { first, _ in first }).values.sorted { $0.name < $1.name }
        try await probe(hosts)
        let results = await boundedConcurrency(hosts, jobs: maxParallel) { host -> [DeploymentResult] in
            guard let entries = try? await self.listing(host) else {
                return [DeploymentResult(name: "-", action: "stop", outcome: "failed", detail: "\(host.name): cannot list its processes")]
            }
            var results: [DeploymentResult] = []
            for entry in entries {
                let stopped = await self.stopProcess(entry, on: host, forget: true)
                results.append(DeploymentResult(name: entry.deployment, action: "stop", outcome: stopped ? "stopped" : "failed", detail: host.name))
            }
            return results
        }.flatMap { $0 }
        guard !results.contains(where: { $0.outcome == "failed" }) else { return results }
        try await ledger.clear()
        return results
    }

    /// After an interrupted deploy: every placement of the live release that does not run the
    /// live spec is started from the live release; the interrupted release's other processes stop.
    public func recover(after interrupted: [ReleaseRecord]) async throws(Failure) -> [DeploymentResult] {
        guard !interrupted.isEmpty else { return [] }
        let (releases, live) = try await ledger.history()
        let wanted = Self.placements(live?.deployments ?? [])
        let keys = Set(wanted.map(\.key))
        let abandoned = Set(interrupted.map(\.id))
        let strays = Self.placements(interrupted.flatMap(\.deployments)).filter { !keys.contains($0.key) }
        try await probe(wanted.map(\.host) + strays.map(\.host))
        let listed = (try? await listings(wanted.map(\.host) + strays.map(\.host))) ?? [:]
        var results = await stop(strays.filter { placement in
            (listed[placement.host.name] ?? []).contains { $0.deployment == placement.deployment.name && abandoned.contains($0.release) }
        })
        guard let live else { return results }
        let stale = wanted.filter { placement in
            guard let entry = listed[placement.host.name]?.first(where: { $0.deployment == placement.deployment.name }), entry.running else { return true }
            return Self.specHash(of: entry, releases: releases) != placement.deployment.specHash
        }
        results += await boundedConcurrency(stale, jobs: maxParallel) { placement in
            let applied = await self.replace(placement, release: live.id)
            return DeploymentResult(name: placement.deployment.name, action: "restore", outcome: applied.failure == nil ? "restored \(live.id)" : "restore failed",
                                    detail: applied.result.detail)
        }
        return results
    }
}
