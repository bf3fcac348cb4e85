import Foundation

extension HostContainerReleaseEngine {
    /// Per deployment and host: the container's state, restarts, health now, drift.
    public func status() async throws(Failure) -> EnvironmentStatus {
        let (releases, live) = try await ledger.history()
        let placements = Self.placements(live?.deployments ?? [])
        let listed = await boundedConcurrency(HostFleet.unique(placements.map(\.host)), jobs: maxParallel) { host in
            let engine = self.onHost(host)
            return (host.name, Result { () throws(ContainerEngine.Failure) in
                try engine.engine.states(labeled: ["crank.project": engine.project, "crank.environment": self.environment])
            })
        }
        let byHost = Dictionary(listed, uniquingKeysWith: { first, _ in first })
        var statuses: [DeploymentStatus] = []
        for placement in placements {
            let states = (byHost[placement.host.name] ?? .success([])).map { $0.filter { $0.labels["crank.deployment"] == placement.deployment.name } }
            statuses.append(await onHost(placement.host).status(of: placement.deployment, live: live, releases: releases, states: states))
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
        // A container that has to be created again needs its image on the host.
        let unshipped = action == "stop" ? [] : await ship(selected, release: live.id)
        if !unshipped.isEmpty { return unshipped.map(\.result) }
        return await boundedConcurrency(selected, jobs: maxParallel) { placement in
            var result = await self.onHost(placement.host).lifecycle(action, placement.deployment, live: live)
            result.detail = placement.host.name + (result.detail.map { ": \($0)" } ?? "")
            return result
        }
    }

    /// Removes the environment's containers (and crank's nginx, blue-green) on every host it ran on (images stay); nothing is
    /// live after. A host that cannot be reached or listed fails the clean, and the history stays.
    public func clean() async throws(Failure) -> [DeploymentResult] {
        let (releases, _) = try await ledger.history()
        let hosts = HostFleet.unique(Self.placements(releases.flatMap(\.deployments)).map(\.host) + (local.settings?.hosts ?? []))
        try await probe(hosts)
        let removed = await boundedConcurrency(hosts, jobs: maxParallel) { host -> [DeploymentResult] in
            do throws(Failure) {
                let engine = self.onHost(host)
                let removed = try engine.removeContainers()
                if !removed.contains(where: { $0.outcome == "failed" }) { engine.removeProxy() }
                return removed
            } catch {
                return [DeploymentResult(name: "-", action: "remove", outcome: "failed", detail: "\(host.name): \(error)")]
            }
        }.flatMap { $0 }
        guard !removed.contains(where: { $0.outcome == "failed" }) else { return removed }
        try await ledger.clear()
        return removed
    }

    /// After an interrupted deploy, on each host: containers the interrupted release started
    /// where the live release does not run that deployment go; every live placement runs the
    /// live spec again (the host's engine restores it as on this machine).
    public func recover(after interrupted: [ReleaseRecord]) async throws(Failure) -> [DeploymentResult] {
        guard !interrupted.isEmpty else { return [] }
        let live = try await ledger.history().live
        let wanted = Self.placements(live?.deployments ?? [])
        let keys = Set(wanted.map(\.key))
        let strays = Self.placements(interrupted.flatMap(\.deployments)).filter { !keys.contains($0.key) }
        let hosts = HostFleet.unique(wanted.map(\.host) + strays.map(\.host))
        try await probe(hosts)
        var results = await stop(HostFleet.uniquePlacements(strays))
        // A host that cannot get the live image is reported; its restore below then fails by name too.
        if let live { results += await ship(wanted, release: live.id).map(\.result) }
        results += await boundedConcurrency(hosts, jobs: maxParallel) { host -> [DeploymentResult] in
            let here = Set(wanted.filter { $0.host.name == host.name }.map(\.deployment.name))
            let restored = (try? await self.onHost(host, scope: here).recover(after: interrupted)) ?? [
                DeploymentResult(name: "-", action: "restore", outcome: "failed", detail: "\(host.name): its engine did not answer")]
            return restored.map { result in
                var result = result
                result.detail = host.name + (result.detail.map { ": \($0)" } ?? "")
                return result
            }
        }.flatMap { $0 }
        return results
    }
}

extension HostFleet {
    /// Each placement once (an interrupted release and an older one may name the same).
    static func uniquePlacements(_ placements: [HostReleaseEngine.Placement]) -> [HostReleaseEngine.Placement] {
        var seen: Set<String> = []
        return placements.filter { seen.insert($0.key).inserted }
    }
}
