import Foundation

extension HostContainerReleaseEngine {
    /// The plan diff; with `rollout:`, also the batches of the hosts of changed deployments.
    public func plan(_ manifest: BuildManifest) async throws(Failure) -> PlanDiff {
        var diff = try await ledger.plan(manifest)
        guard local.settings?.rollout != nil else { return diff }
        let changed = Set(diff.deployments.filter { $0.action == .create || $0.action == .update }.map(\.name))
        diff.rollout = rolloutPlan(Self.placements(manifest.entries.map(\.deployment).filter { changed.contains($0.name) }))
        return diff
    }

    func rolloutPlan(_ placements: [Placement]) -> RolloutPlan {
        RolloutPlan(hosts: placements.map(\.host.name), order: local.settings?.hosts.map(\.name) ?? [], settings: local.settings?.rollout)
    }

    /// Replaces `placements` with `release` batch after batch (`rollout:`; one batch without it).
    func replaceInBatches(_ placements: [Placement], release: String) async -> HostReleaseEngine.RolloutRun {
        await HostReleaseEngine.inBatches(placements, plan: rolloutPlan(placements), jobs: maxParallel) { placement, label in
            let applied = Self.onHost(await self.onHost(placement.host).replace(placement.deployment, release: release), placement, batch: label)
            self.progress?(applied.result)
            return HostReleaseEngine.Applied(result: applied.result, failure: applied.failure)
        }
    }

    /// Probe every host → plan → build and tag the images here → ship them to the hosts that
    /// need them (nothing has changed yet) → replace the changed (or not running) placements
    /// batch by batch (`rollout:`), at most `ssh.max_parallel` at once, each gated on its host →
    /// live; any failure stops the rollout and puts every changed host back to the previous release.
    public func deploy(_ manifest: BuildManifest, options: DeployOptions) async throws(Failure) -> ReleaseOutcome {
        var desired = manifest.entries.map(\.deployment)
        let known = desired.map(\.name)
        for name in options.only where !known.contains(name) { throw .unknownDeployment(name, known: known) }
        for deployment in desired where deployment.kind != .container || deployment.role != .service || HostReleaseEngine.hosts(deployment).isEmpty {
            throw .unsupported(deployment: deployment.name, reason: deployment.role == .flow
                ? "a flow is registered with Prefect (a `target: prefect` environment), not run as a container on hosts"
                : "a container environment with hosts runs `kind: container` services placed with `role:` or `hosts:`")
        }
        let (releases, live) = try await ledger.history()
        if !options.only.isEmpty {
            desired = desired.filter { options.only.contains($0.name) } + (live?.deployments ?? []).filter { !options.only.contains($0.name) }
        }
        let wanted = Self.placements(desired)
        let previous = Self.placements(live?.deployments ?? [])
        try await probe(wanted.map(\.host) + previous.map(\.host))
        let running = try await containers(on: wanted.map(\.host))
        let plan = PlacementPlan.compute(environment: environment, desired: desired, live: live) { placement in
            Self.runsSpec(placement, states: running[placement.host.name] ?? [], releases: releases)
        }
        guard !plan.isEmpty else { return plan.unchanged(environment: environment, live: live) }
        let (changed, toStart) = (plan.changed, plan.toStart)
        let record = try await ledger.open(after: releases, manifest: manifest, desired: desired, reason: options.reason)
        let built = await local.images(for: desired, changed: changed, manifest: manifest, previous: live, release: record.id, jobs: options.jobs)
        let shipped = built.contains { $0.failure != nil } ? [] : await ship(toStart, release: record.id)
        if let failure = (built + shipped).compactMap(\.failure).first {
            await ledger.fail(record, failure)
            return ReleaseOutcome(environment: environment, release: record.id, status: "failed", deployments: (built + shipped).map(\.result), failure: failure)
        }
        let run = await replaceInBatches(toStart, release: record.id)
        let results = run.applied
        if let failure = run.failure {
            var outcomes = results.map(\.result)
            if options.rollbackOnFailure { outcomes += await restore(Array(zip(run.touched, results)), previous: live) }
            outcomes += HostReleaseEngine.notStarted(run.skipped)
            await ledger.fail(record, failure)
            return ReleaseOutcome(environment: environment, release: record.id, status: "failed", deployments: outcomes, failure: failure)
        }
        let stopped = await stop(plan.toStop)
        try await ledger.promote(record, previous: live, previousBecomes: .superseded)
        let pruned = await prune(keeping: try await ledger.history().releases, hosts: wanted.map(\.host))
        return ReleaseOutcome(environment: environment, release: record.id, status: "live",
                              deployments: results.map(\.result) + stopped + plan.untouched + pruned, failure: nil)
    }

    /// The environment's containers on each host, by host name; a host whose engine does not
    /// answer fails the command before anything changes.
    func containers(on hosts: [HostSpec]) async throws(Failure) -> [String: [ContainerEngine.State]] {
        let listed = await boundedConcurrency(HostFleet.unique(hosts), jobs: maxParallel) { host in
            let engine = self.onHost(host)
            let labels = ["crank.project": engine.project, "crank.environment": self.environment]
            return (host.name, await offPool { Result { () throws(ContainerEngine.Failure) in try engine.engine.states(labeled: labels) } })
        }
        var states: [String: [ContainerEngine.State]] = [:]
        for (host, result) in listed {
            switch result {
            case .success(let value): states[host] = value
            case .failure(let error): throw .state("cannot list the containers on \(host) (nothing was changed): \(error)")
            }
        }
        return states
    }

    /// Whether a running container of the placement's deployment runs its spec (by the spec
    /// hash its release recorded).
    static func runsSpec(_ placement: Placement, states: [ContainerEngine.State], releases: [ReleaseRecord]) -> Bool {
        states.contains { state in
            guard state.running, state.labels["crank.deployment"] == placement.deployment.name, let release = state.labels["crank.release"] else { return false }
            return releases.first { $0.id == release }?.deployments.first { $0.name == placement.deployment.name }?.specHash == placement.deployment.specHash
        }
    }

    /// After a failure: every placement this deploy touched goes back to the previous release
    /// (removed where the previous release did not run it there). A placement that failed its own
    /// start was already put back by the host's engine (recreate starts the old container again).
    func restore(_ attempts: [(Placement, HostReleaseEngine.Applied)], previous: ReleaseRecord?) async -> [DeploymentResult] {
        let old = Dictionary(Self.placements(previous?.deployments ?? []).map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        return await boundedConcurrency(attempts, jobs: maxParallel) { placement, applied in
            let name = placement.deployment.name
            let engine = self.onHost(placement.host)
            guard let previous, let before = old[placement.key] else {
                engine.stopAll(name)
                return DeploymentResult(name: name, action: "rollback", outcome: "removed", detail: placement.host.name)
            }
            if applied.failure != nil {
                return DeploymentResult(name: name, action: "rollback", outcome: "old container kept", detail: placement.host.name)
            }
            let restored = Self.onHost(await engine.replace(before.deployment, release: previous.id), placement)
            return DeploymentResult(name: name, action: "rollback", outcome: restored.failure == nil ? "restored \(previous.id)" : "restore failed",
                                    detail: restored.result.detail)
        }
    }

    /// Stops and removes `placements`' containers.
    func stop(_ placements: [Placement]) async -> [DeploymentResult] {
        await boundedConcurrency(placements, jobs: maxParallel) { placement in
            self.onHost(placement.host).stopAll(placement.deployment.name)
            return DeploymentResult(name: placement.deployment.name, action: "delete", outcome: "removed", detail: placement.host.name)
        }
    }

    /// Untags what no kept release needs, here and on each host (`keep_images`).
    func prune(keeping releases: [ReleaseRecord], hosts: [HostSpec]) async -> [DeploymentResult] {
        let here = local.pruneImages(keeping: releases)
        let remote = await boundedConcurrency(HostFleet.unique(hosts), jobs: maxParallel) { host in
            self.onHost(host).pruneImages(keeping: releases).map { result -> DeploymentResult in
                var result = result
                result.detail = "\(host.name): \(result.detail ?? "")"
                return result
            }
        }
        return here + remote.flatMap { $0 }
    }

    /// Starts a kept release's images on its hosts, gated; a failure puts the live one back.
    public func rollback(to requested: String?) async throws(Failure) -> ReleaseOutcome {
        let (releases, live) = try await ledger.history()
        var kept: Set<String> = []
        for repository in Set(releases.flatMap(\.deployments).compactMap(ContainerReleaseEngine.image).map(ContainerReleaseEngine.repository(of:))) {
            do throws(ContainerEngine.Failure) {
                kept.formUnion(try local.engine.tags(of: repository))
            } catch {
                throw .state("cannot list the kept images: \(error)")
            }
        }
        let target = try ReleaseLedger.rollbackTarget(releases, live: live, requested: requested) { release in
            release.deployments.allSatisfy { ContainerReleaseEngine.releaseImage($0, release: release.id).map(kept.contains) ?? false }
        }
        let wanted = Self.placements(target.deployments)
        try await probe(wanted.map(\.host) + Self.placements(live?.deployments ?? []).map(\.host))
        let shipped = await ship(wanted, release: target.id)
        if let failure = shipped.compactMap(\.failure).first {
            return ReleaseOutcome(environment: environment, release: target.id, status: "failed", deployments: shipped.map(\.result), failure: failure)
        }
        let run = await replaceInBatches(wanted, release: target.id)
        let results = run.applied
        if let failure = run.failure {
            let outcomes = await restore(Array(zip(run.touched, results)), previous: live)
            return ReleaseOutcome(environment: environment, release: target.id, status: "failed",
                                  deployments: results.map(\.result) + outcomes + HostReleaseEngine.notStarted(run.skipped), failure: failure)
        }
        let keys = Set(wanted.map(\.key))
        let stopped = await stop(Self.placements(live?.deployments ?? []).filter { !keys.contains($0.key) })
        try await ledger.promote(target, previous: live, previousBecomes: .rolledBack)
        return ReleaseOutcome(environment: environment, release: target.id, status: "rolled-back", deployments: results.map(\.result) + stopped, failure: nil)
    }
}
