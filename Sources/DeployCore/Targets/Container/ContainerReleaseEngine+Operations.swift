import Foundation

extension ContainerReleaseEngine {
    /// Starts a recorded release's kept images through the same gate. A release whose images
    /// were pruned cannot be restored; the error lists those that can.
    public func rollback(to requested: String?) async throws(Failure) -> ReleaseOutcome {
        let (releases, live) = try await ledger.history()
        // One image listing per repository, not one inspect per release of the history.
        var kept: Set<String> = []
        for repository in Set(releases.flatMap(\.deployments).compactMap(Self.image).map(Self.repository(of:))) {
            do throws(ContainerEngine.Failure) {
                kept.formUnion(try engine.tags(of: repository))
            } catch {
                throw .state("cannot list the kept images: \(error)")
            }
        }
        let target = try ReleaseLedger.rollbackTarget(releases, live: live, requested: requested) { release in
            release.deployments.allSatisfy { Self.releaseImage($0, release: release.id).map(kept.contains) ?? false }
        }
        // The restored release's rollback hooks (see the local engine): pre_rollback can stop it.
        let hooks = Hook.recorded(in: target.manifest)
        let names = Set(target.deployments.map(\.name))
        let (preRuns, preFailure) = await runHooks(.preRollback, hooks, deployments: names, release: target.id, rendered: target.deployments)
        if let preFailure {
            let untouched = target.deployments.map { DeploymentResult(name: $0.name, action: "restore", outcome: "not started", detail: "pre_rollback hook failed") }
            return ReleaseOutcome(environment: environment, release: target.id, status: "failed", deployments: untouched, failure: preFailure, hooks: preRuns)
        }
        let results = await boundedConcurrency(target.deployments, jobs: 4) { deployment in
            let applied = await self.replace(deployment, release: target.id)
            self.progress?(applied.result)
            return applied
        }
        if let failure = results.compactMap(\.failure).first {
            return ReleaseOutcome(environment: environment, release: target.id, status: "failed", deployments: results.map(\.result), failure: failure, hooks: preRuns)
        }
        for deployment in live?.deployments ?? [] where !target.deployments.contains(where: { $0.name == deployment.name }) {
            stopAll(deployment.name)
        }
        try await ledger.promote(target, previous: live, previousBecomes: .rolledBack)
        let (postRuns, postFailure) = await runHooks(.postRollback, hooks, deployments: names, release: target.id, rendered: target.deployments)
        return ReleaseOutcome(environment: environment, release: target.id, status: "rolled-back", deployments: results.map(\.result),
                              failure: postFailure, hooks: preRuns + postRuns)
    }

    /// What the engine reports now for each deployment of the live release.
    public func status() async throws(Failure) -> EnvironmentStatus {
        let (releases, live) = try await ledger.history()
        var statuses: [DeploymentStatus] = []
        for deployment in live?.deployments ?? [] {
            let states: Result<[ContainerEngine.State], ContainerEngine.Failure>
            do throws(ContainerEngine.Failure) { states = .success(try engine.states(labeled: labels(deployment.name))) } catch { states = .failure(error) }
            statuses.append(await status(of: deployment, live: live, releases: releases, states: states))
        }
        return EnvironmentStatus(environment: environment, live: live?.id, deployments: statuses)
    }

    /// Whether `state` is the container of an earlier release that went live with the spec the
    /// live release has for `deployment` — unchanged since, and left running by the deploys that
    /// changed others (a container keeps the name of the release that started it). A failed or
    /// interrupted release's name (e.g. left by a reload that was never confirmed) never is.
    func startedWithLiveSpec(_ state: ContainerEngine.State, _ deployment: RenderedDeployment, releases: [ReleaseRecord]) -> Bool {
        let prefix = containerName(deployment.name, release: "")
        guard state.name.hasPrefix(prefix) else { return false }
        let id = String(state.name.dropFirst(prefix.count))
        guard let release = releases.first(where: { $0.id == id }), [.live, .superseded, .rolledBack].contains(release.status) else { return false }
        return release.deployments.first { $0.name == deployment.name }?.specHash == deployment.specHash
    }

    /// One deployment's status from its containers' states (or the engine's failure to list them).
    func status(of deployment: RenderedDeployment, live: ReleaseRecord?, releases: [ReleaseRecord],
                states listed: Result<[ContainerEngine.State], ContainerEngine.Failure>) async
        -> DeploymentStatus {
        guard case .success(let states) = listed else {
            if case .failure(let error) = listed {
                return DeploymentStatus(name: deployment.name, state: "unknown", drift: "the engine did not answer: \(error.output)", host: host?.name)
            }
            return DeploymentStatus(name: deployment.name, state: "unknown", host: host?.name)
        }
        let liveName = containerName(deployment.name, release: live?.id ?? "")
        guard let state = states.first(where: \.running) ?? states.first(where: { $0.name == liveName }) ?? states.first else {
            return DeploymentStatus(name: deployment.name, state: "missing", drift: "no container", host: host?.name)
        }
        var drift: String?
        if state.name != liveName, !startedWithLiveSpec(state, deployment, releases: releases) {
            drift = "runs \(state.name), live is \(live?.id ?? "none")"
        }
        if !state.running { drift = "\(state.status) (exit \(state.exitCode))" }
        if state.running, let routed = routeDrift(deployment, state: state) { drift = routed }
        var health: String?
        if state.running, case .object(var check)? = deployment.spec["health"] {
            check["timeout"] = .int(2)
            let failure = await gate.wait(deployment: deployment.name, health: .object(check), port: Self.port(deployment), address: address,
                                          directory: effective.root) { true }
            health = failure.map { "failing: \($0.observed)" } ?? "passing"
        }
        return DeploymentStatus(name: deployment.name, state: state.running ? "running" : state.status, pid: nil, port: Self.port(deployment),
                                uptimeSeconds: nil, health: health.map { "\($0), \(state.restarts) restarts" } ?? "\(state.restarts) restarts",
                                drift: drift, host: host?.name)
    }

    /// Where a blue-green deployment's traffic does not reach its running container.
    func routeDrift(_ deployment: RenderedDeployment, state: ContainerEngine.State) -> String? {
        guard settings?.strategy == .blueGreen, let proxy, Self.port(deployment) != nil else { return nil }
        guard proxy.isRunning else { return "proxy not running (crank start brings it back)" }
        let upstream = proxy.upstream(of: deployment.name)
        guard let wanted = state.labels[Self.upstreamLabel].flatMap(Int.init), upstream == wanted else {
            return "proxy routes to \(upstream.map { ":\($0)" } ?? "nothing"), \(state.name) listens on :\(state.labels[Self.upstreamLabel] ?? "?")"
        }
        return nil
    }

    /// `stop` stops the live release's containers; `start` starts them (gated); `restart` both.
    public func lifecycle(_ action: String, names: [String]) async throws(Failure) -> [DeploymentResult] {
        guard let live = try await ledger.history().live else { throw .notDeployed }
        let known = live.deployments.map(\.name)
        for name in names where !known.contains(name) { throw .unknownDeployment(name, known: known) }
        return await boundedConcurrency(live.deployments.filter { names.contains($0.name) }, jobs: 4) { deployment in
            await lifecycle(action, deployment, live: live)
        }
    }

    /// One deployment of the live release: `stop`, `start` (gated; a missing container is
    /// created from the release's image) or `restart` (in place).
    func lifecycle(_ action: String, _ deployment: RenderedDeployment, live: ReleaseRecord) async -> DeploymentResult {
        let name = containerName(deployment.name, release: live.id)
        if action == "stop" {
            do throws(ContainerEngine.Failure) {
                try engine.stop(name, grace: grace)
                return DeploymentResult(name: deployment.name, action: action, outcome: "stopped")
            } catch {
                return DeploymentResult(name: deployment.name, action: action, outcome: "failed", detail: error.output)
            }
        }
        if action == "start", let state = engine.inspect(name), state.running {
            if let problem = ensureRoute(deployment, state: state) {
                return DeploymentResult(name: deployment.name, action: action, outcome: "failed", detail: problem)
            }
            return DeploymentResult(name: deployment.name, action: action, outcome: "already running", detail: name)
        }
        if action == "restart", let state = engine.inspect(name) {
            return await restartInPlace(deployment, state: state)
        }
        return await replace(deployment, release: live.id).result
    }

    /// `restart` of an existing container: the engine stops and starts the same container (same
    /// published port, so nginx's route stays valid), then the gate. Replacing it would remove
    /// the container that serves before its successor passed the gate.
    func restartInPlace(_ deployment: RenderedDeployment, state: ContainerEngine.State) async -> DeploymentResult {
        do throws(ContainerEngine.Failure) {
            if state.running { try engine.stop(state.name, grace: grace) }
            try engine.startExisting(state.name)
        } catch {
            return DeploymentResult(name: deployment.name, action: "restart", outcome: "failed", detail: error.output)
        }
        let port = state.labels[Self.upstreamLabel].flatMap(Int.init) ?? Self.port(deployment)
        let containers = engine
        let name = state.name
        if let failure = await gate.wait(deployment: deployment.name, health: deployment.spec["health"] ?? .null, port: port,
                                         address: address, directory: effective.root, alive: { containers.inspect(name)?.running == true }) {
            return DeploymentResult(name: deployment.name, action: "restart", outcome: "failed",
                                    detail: "\(failure.check): \(failure.observed) (wanted \(failure.threshold))")
        }
        return DeploymentResult(name: deployment.name, action: "restart", outcome: "restarted", detail: name)
    }

    /// Stops and removes the environment's containers and forgets its releases; images stay.
    public func clean() async throws(Failure) -> [DeploymentResult] {
        let results = try removeContainers()
        guard !results.contains(where: { $0.outcome == "failed" }) else { return results }
        removeProxy()
        try await ledger.clear()
        return results
    }

    /// Drops every route of the environment's proxy and stops it (blue-green).
    func removeProxy() {
        guard let proxy else { return }
        for route in proxy.routes() { try? proxy.remove(route.deployment) }
        proxy.stop()
    }

    /// Stops and removes every container of the environment this engine reaches.
    func removeContainers() throws(Failure) -> [DeploymentResult] {
        let names: [String]
        do throws(ContainerEngine.Failure) {
            names = try engine.containers(labeled: ["crank.project": project, "crank.environment": environment])
        } catch {
            throw .state("cannot list the environment's containers\(host.map { " on \($0.name)" } ?? "") (nothing was removed): \(error)")
        }
        return names.map { name -> DeploymentResult in
            try? engine.stop(name, grace: grace)
            engine.remove(name)
            return DeploymentResult(name: name, action: "remove", outcome: engine.inspect(name) == nil ? "removed" : "failed", detail: host?.name)
        }
    }
}
