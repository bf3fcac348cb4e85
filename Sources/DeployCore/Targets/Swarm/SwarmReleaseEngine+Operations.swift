import Foundation

extension SwarmReleaseEngine {
    /// Re-applies a kept release's specs (any kept release, not only Swarm's one step back) to
    /// the services that differ from it, through the same convergence and gate.
    public func rollback(to requested: String?) async throws(Failure) -> ReleaseOutcome {
        do throws(SwarmCLI.Failure) { try swarm.checkManager() } catch { throw .state("the swarm does not answer: \(error.output)") }
        let (releases, live) = try await ledger.history()
        let target = try ReleaseLedger.rollbackTarget(releases, live: live, requested: requested) { release in
            // Without a registry the images must still be in the manager's engine (or here to load).
            !settings.registry.isEmpty || release.deployments.allSatisfy { deployment in
                guard case .string(let image)? = deployment.spec["image"] else { return false }
                return swarm.imageExists(image) || builder.imageExists(image)
            }
        }
        let current = Dictionary((live?.deployments ?? []).map { ($0.name, $0.specHash) }, uniquingKeysWith: { first, _ in first })
        let toApply = target.deployments.filter { deployment in
            current[deployment.name] != deployment.specHash
                || ((try? swarm.service(serviceName(deployment.name))) ?? nil)?.labels["crank.spec"] != deployment.specHash
        }
        let prepared = await prepare(toApply, manifest: nil, release: target.id, jobs: 4)
        if let failure = prepared.results.compactMap(\.failure).first {
            return ReleaseOutcome(environment: environment, release: target.id, status: "failed", deployments: prepared.results.map(\.result), failure: failure)
        }
        let results = await apply(prepared.services, release: target.id, action: "rollback")
        if let failure = results.compactMap(\.failure).first {
            return ReleaseOutcome(environment: environment, release: target.id, status: "failed", deployments: results.map(\.result), failure: failure)
        }
        var outcomes = results.map(\.result)
        for deployment in live?.deployments ?? [] where !target.deployments.contains(where: { $0.name == deployment.name }) {
            let gone = (try? swarm.removeService(serviceName(deployment.name))) != nil
            outcomes.append(DeploymentResult(name: deployment.name, action: "delete", outcome: gone ? "removed" : "failed"))
        }
        outcomes += target.deployments.filter { deployment in !toApply.contains { $0.name == deployment.name } }
            .map { DeploymentResult(name: $0.name, action: "unchanged", outcome: "running") }
        try await ledger.promote(target, previous: live, previousBecomes: .rolledBack)
        return ReleaseOutcome(environment: environment, release: target.id, status: "rolled-back", deployments: outcomes, failure: nil)
    }

    /// Replicas running/desired per service and node, and drift: a service missing, running
    /// another release's spec, or changed by hand (image, env, replicas, task spec).
    public func status() async throws(Failure) -> EnvironmentStatus {
        let live = try await ledger.history().live
        var statuses: [DeploymentStatus] = []
        for deployment in live?.deployments ?? [] {
            statuses.append(status(of: deployment, live: live))
        }
        return EnvironmentStatus(environment: environment, live: live?.id, deployments: statuses)
    }

    func status(of deployment: RenderedDeployment, live: ReleaseRecord?) -> DeploymentStatus {
        let name = serviceName(deployment.name)
        let expected = try? SwarmService(deployment, project: project, environment: environment, release: live?.id ?? "")
        let state: SwarmCLI.ServiceState?
        let tasks: [SwarmCLI.TaskState]
        do throws(SwarmCLI.Failure) {
            state = try swarm.service(name)
            tasks = state == nil ? [] : try swarm.tasks(name)
        } catch {
            return DeploymentStatus(name: deployment.name, state: "unknown", port: expected?.port, drift: "the swarm did not answer: \(error.output)")
        }
        guard let state else {
            return DeploymentStatus(name: deployment.name, state: "missing", port: expected?.port, drift: "no service \(name)")
        }
        let running = tasks.filter(\.running)
        let nodes = Dictionary(grouping: running, by: \.node).map { "\($0.key)×\($0.value.count)" }.sorted().joined(separator: ", ")
        let summary = "\(running.count)/\(state.replicas) replicas running" + (nodes.isEmpty ? "" : " (\(nodes))")
        let stateText = state.replicas == 0 ? "stopped" : (running.count >= state.replicas ? "running" : "degraded")
        return DeploymentStatus(name: deployment.name, state: stateText, port: expected?.port, health: summary,
                                drift: Self.drift(state, expected: expected, deployment: deployment, live: live?.id)
                                    ?? (state.replicas > 0 ? routeDrift(deployment, expected: expected, tasks: tasks) : nil))
    }

    /// What differs between a live service and the release's record of it, or nil.
    static func drift(_ state: SwarmCLI.ServiceState, expected: SwarmService?, deployment: RenderedDeployment, live: String?) -> String? {
        if state.labels["crank.spec"] != deployment.specHash {
            return "the service runs the spec of \(state.labels["crank.release"] ?? "no crank release"), live is \(live ?? "none")"
        }
        guard let expected else { return nil }
        var changed: [String] = []
        if state.image.split(separator: "@").first.map(String.init) != expected.image { changed.append("image \(state.image)") }
        if state.replicas != expected.replicas {
            changed.append(state.replicas == 0 ? "scaled to 0 (crank start brings it back)" : "replicas \(state.replicas) (release: \(expected.replicas))")
        }
        if state.env != expected.env.map({ "\($0.0)=\($0.1)" }).sorted() { changed.append("env") }
        if state.taskLabels["crank.task"] != expected.taskHash { changed.append("task spec") }
        if state.updateState.hasPrefix("rollback") || state.updateState == "paused" { changed.append("Swarm update \(state.updateState): \(state.updateMessage)") }
        return changed.isEmpty ? nil : "changed outside crank: " + changed.joined(separator: "; ")
    }

    /// `stop` scales the live release's services to 0, `start` back to the release's replicas
    /// (awaited and gated), `restart` replaces every task (`service update --force`, awaited).
    public func lifecycle(_ action: String, names: [String]) async throws(Failure) -> [DeploymentResult] {
        guard let live = try await ledger.history().live else { throw .notDeployed }
        let known = live.deployments.map(\.name)
        for name in names where !known.contains(name) { throw .unknownDeployment(name, known: known) }
        return await boundedConcurrency(live.deployments.filter { names.contains($0.name) }, jobs: 4) { deployment in
            await self.lifecycle(action, deployment, live: live)
        }
    }

    func lifecycle(_ action: String, _ deployment: RenderedDeployment, live: ReleaseRecord) async -> DeploymentResult {
        let name = serviceName(deployment.name)
        guard let service = try? SwarmService(deployment, project: project, environment: environment, release: live.id) else {
            return DeploymentResult(name: deployment.name, action: action, outcome: "failed", detail: "the release's spec has no image")
        }
        do throws(SwarmCLI.Failure) {
            switch action {
            case "stop":
                try swarm.scale(name, to: 0)
                // Stopped once no task runs a container any more (each gets its stop grace period).
                let deadline = Date().addingTimeInterval(60)
                while Date() < deadline, (try? swarm.runningContainers(name)) ?? 0 > 0 {
                    try? await Task.sleep(nanoseconds: 500_000_000)
                }
                let left = (try? swarm.runningContainers(name)) ?? 0
                return DeploymentResult(name: deployment.name, action: action, outcome: left == 0 ? "stopped" : "failed",
                                        detail: left == 0 ? "scaled to 0" : "\(left) tasks still running after 60 s")
            case "start":
                try swarm.scale(name, to: service.replicas)
            default:
                try swarm.forceUpdate(name)
            }
        } catch {
            return DeploymentResult(name: deployment.name, action: action, outcome: "failed", detail: error.output)
        }
        let applied = await converge(service, action: action)
        if applied.failure != nil { return applied.result }
        return DeploymentResult(name: deployment.name, action: action, outcome: action == "start" ? "started" : "restarted", detail: applied.result.detail)
    }

    /// Removes the services, secrets and stack network crank created for the environment (by
    /// label; nothing else) and forgets its releases; images stay.
    public func clean() async throws(Failure) -> [DeploymentResult] {
        let services: [String]
        do throws(SwarmCLI.Failure) {
            services = try swarm.services(labeled: labels)
        } catch {
            throw .state("cannot list the environment's services (nothing was removed): \(error)")
        }
        var results = services.map { name in
            DeploymentResult(name: name, action: "remove", outcome: (try? swarm.removeService(name)) != nil ? "removed" : "failed")
        }
        // Secrets and the network are released once the tasks are gone.
        for secret in (try? swarm.secrets(labeled: labels)) ?? [] {
            results.append(DeploymentResult(name: secret, action: "remove secret", outcome: await retrying { (try? swarm.removeSecret(secret)) != nil } ? "removed" : "failed"))
        }
        for network in (try? swarm.networks(labeled: ["com.docker.stack.namespace": stack])) ?? [] {
            results.append(DeploymentResult(name: network, action: "remove network", outcome: await retrying { (try? swarm.removeNetwork(network)) != nil } ? "removed" : "failed"))
        }
        if let proxy {
            for route in proxy.routes() { try? proxy.remove(route.deployment) }
            proxy.stop()
        }
        guard !results.contains(where: { $0.outcome == "failed" }) else { return results }
        try await ledger.clear()
        return results
    }

    /// Up to 30 tries a second apart (a secret or network is in use until its tasks have stopped).
    func retrying(_ body: () -> Bool) async -> Bool {
        for _ in 0..<30 {
            if body() { return true }
            try? await Task.sleep(nanoseconds: 1_000_000_000)
        }
        return false
    }
}
