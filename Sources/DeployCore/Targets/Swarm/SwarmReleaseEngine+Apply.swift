import Foundation

extension SwarmReleaseEngine {
    struct Prepared: Sendable {
        var services: [SwarmService]
        var results: [Applied]
    }

    /// The services of `deployments` for `release`, their images in the swarm's engine (built as
    /// the builder planned, then loaded when there is no registry) and their Docker secrets.
    func prepare(_ deployments: [RenderedDeployment], manifest: BuildManifest?, release: String, jobs: Int) async -> Prepared {
        var services: [SwarmService] = []
        var results: [Applied] = []
        for deployment in deployments {
            do throws(SwarmService.Failure) {
                services.append(try SwarmService(deployment, project: project, environment: environment, release: release))
            } catch {
                if case .secretInEnv(_, let variable, let secret) = error {
                    results.append(Self.failed(deployment.name, action: "build", check: "build",
                                               observed: "\(variable) holds secret \(secret); a service spec never holds a secret", threshold: "secrets listed in `secrets:`"))
                } else {
                    results.append(Self.failed(deployment.name, action: "build", check: "build", observed: "no image in the rendered spec", threshold: "an image"))
                }
            }
        }
        guard results.isEmpty else { return Prepared(services: [], results: results) }
        results = await boundedConcurrency(services, jobs: jobs) { service in
            self.image(for: service, entry: manifest?.entries.first { $0.deployment.name == service.deployment })
        }
        if results.contains(where: { $0.failure != nil }) { return Prepared(services: services, results: results) }
        if let failure = ensureSecrets(services) { return Prepared(services: services, results: results + [failure]) }
        return Prepared(services: services, results: results)
    }

    /// The service's image where the swarm runs it: built (when the builder lacks it and the
    /// manifest says how), then `save | docker load`ed into the manager's engine without a registry.
    func image(for service: SwarmService, entry: BuildManifest.Entry?) -> Applied {
        let name = service.deployment
        do throws(ContainerEngine.Failure) {
            if settings.registry.isEmpty, swarm.imageExists(service.image) {
                return Applied(result: DeploymentResult(name: name, action: "build", outcome: "kept", detail: service.image), failure: nil)
            }
            if !builder.imageExists(service.image) {
                guard let entry, !entry.commands.isEmpty else {
                    return Self.failed(name, action: "build", check: "build", observed: "image \(service.image) is neither in the swarm nor built here",
                                       threshold: "the image exists (deploy that release again to rebuild it)")
                }
                for command in entry.commands {
                    if let problem = ContainerReleaseEngine.contextProblem(command, root: effective.root) {
                        return Self.failed(name, action: "build", check: "build", observed: problem, threshold: "a .dockerignore that lists .crank")
                    }
                    try builder.run(command)
                }
            }
            if settings.registry.isEmpty, !swarm.imageExists(service.image) {
                do throws(SwarmCLI.Failure) {
                    try swarm.load(service.image, from: builder.executable, engineEnvironment: builder.environment)
                } catch {
                    return Self.failed(name, action: "ship", check: "ship", observed: error.description, threshold: "the image loads into the swarm's engine")
                }
                return Applied(result: DeploymentResult(name: name, action: "build", outcome: "loaded", detail: service.image), failure: nil)
            }
            return Applied(result: DeploymentResult(name: name, action: "build", outcome: "built", detail: service.image), failure: nil)
        } catch {
            return Self.failed(name, action: "build", check: "build", observed: error.description, threshold: "the image builds")
        }
    }

    /// Creates the Docker secrets the services name and the swarm lacks (value on stdin). A kept
    /// release's secret is recreated only from a current value with the same fingerprint.
    func ensureSecrets(_ services: [SwarmService]) -> Applied? {
        let existing: Set<String>
        do throws(SwarmCLI.Failure) {
            existing = Set(try swarm.secrets(labeled: labels))
        } catch {
            return Self.failed(stack, action: "secret", check: "engine", observed: error.description, threshold: "the engine answers")
        }
        var created: Set<String> = []
        for service in services {
            for secret in service.secrets where !existing.contains(secret.source) && !created.contains(secret.source) {
                guard let value = secrets.value(secret.target) else {
                    return Self.failed(service.deployment, action: "secret", check: "secret", observed: "secret \(secret.target) has no value",
                                       threshold: "export \(secret.target)=… or add it to \(SecretStore.file(for: environment))")
                }
                if let fingerprint, !secret.source.hasSuffix("-" + fingerprint.fingerprint(value)) {
                    return Self.failed(service.deployment, action: "secret", check: "secret",
                                       observed: "Docker secret \(secret.source) is gone and \(secret.target) now has another value",
                                       threshold: "the release's secret value")
                }
                do throws(SwarmCLI.Failure) {
                    try swarm.createSecret(secret.source, value: value, labels: labels.merging(["crank.secret": secret.target]) { _, new in new })
                    created.insert(secret.source)
                } catch {
                    return Self.failed(service.deployment, action: "secret", check: "secret", observed: secrets.redactor(for: [secret.target]).redact(error.description),
                                       threshold: "the secret is created")
                }
            }
        }
        return nil
    }

    /// `docker stack deploy` of `services`, then each converges and passes the gate.
    func apply(_ services: [SwarmService], release: String, action: String) async -> [Applied] {
        guard !services.isEmpty else { return [] }
        let text = StackFile.render(services, project: project, environment: environment, release: release)
        do throws(SwarmCLI.Failure) {
            try swarm.deployStack(text, stack: stack, resolveImage: settings.registry.isEmpty ? "never" : "always")
        } catch {
            return services.map { Self.failed($0.deployment, action: action, check: "engine", observed: error.description, threshold: "docker stack deploy succeeds") }
        }
        return await boundedConcurrency(services, jobs: max(services.count, 1)) { service in
            let applied = await self.converge(service, action: action)
            self.progress?(applied.result)
            return applied
        }
    }

    /// Waits until every replica of `service` runs its spec (and Swarm did not roll it back),
    /// then gates the published port (each task's own port with `publish: proxy`).
    func converge(_ service: SwarmService, action: String) async -> Applied {
        let name = serviceName(service.deployment)
        let rollout = Double(max(service.replicas, 1)) * (service.update.monitor + service.update.delay + 10)
        let deadline = Date().addingTimeInterval(Double(service.healthTimeout) + rollout + convergeSlack)
        var last = "no task yet"
        while Date() < deadline {
            do throws(SwarmCLI.Failure) {
                guard let state = try swarm.service(name) else {
                    return Self.failed(service.deployment, action: action, check: "swarm", observed: "service \(name) is gone", threshold: "the service exists")
                }
                if ["rollback_started", "rollback_completed", "rollback_paused", "paused"].contains(state.updateState) {
                    return Self.failed(service.deployment, action: action, check: "swarm-update",
                                       observed: "Swarm's update \(state.updateState.replacingOccurrences(of: "_", with: " ")): \(state.updateMessage)",
                                       threshold: "every task healthy within update.monitor")
                }
                let tasks = try swarm.tasks(name)
                // The proxy follows the rollout: every running task (old or new) is an upstream.
                if let problem = followRoute(service, tasks: tasks) {
                    return Self.failed(service.deployment, action: action, check: "proxy", observed: problem, threshold: "crank's nginx routes to the tasks")
                }
                let current = tasks.filter { $0.taskHash == service.taskHash && $0.running }
                let others = tasks.filter { $0.taskHash != service.taskHash }
                last = "\(current.count)/\(service.replicas) replicas run the new spec" + (tasks.first { !$0.error.isEmpty }.map { "; task error: \($0.error)" } ?? "")
                // Done once the old tasks' containers have stopped too (they answer until then).
                if current.count >= service.replicas, others.isEmpty, state.updateState != "updating",
                   try swarm.runningContainers(name) <= current.count {
                    if let failure = await gateService(service, tasks: current) {
                        return Applied(result: DeploymentResult(name: service.deployment, action: action, outcome: "failed",
                                                                detail: "\(failure.check): \(failure.observed) (wanted \(failure.threshold))"), failure: failure)
                    }
                    return Applied(result: DeploymentResult(name: service.deployment, action: action, outcome: "deployed",
                                                            detail: "\(current.count)/\(service.replicas) replicas"), failure: nil)
                }
            } catch {
                last = error.description
            }
            // Each poll is three engine calls (~50 ms on one node); a quarter second keeps crank's
            // wait close to Swarm's own convergence.
            try? await Task.sleep(nanoseconds: 250_000_000)
        }
        return Self.failed(service.deployment, action: action, check: "replicas", observed: last, threshold: "all replicas running the new spec in time")
    }

    /// crank's own gate through the published port: the node's port (host, ingress) or each
    /// task's own port (proxy). Workers (no port) and exec checks rely on Swarm's HEALTHCHECK.
    func gateService(_ service: SwarmService, tasks: [SwarmCLI.TaskState]) async -> HealthFailure? {
        guard let port = service.port, let publish = service.publish, service.replicas > 0, let check = service.gateCheck else { return nil }
        // Each task on its own port, then (proxy) the service's port through crank's nginx.
        let ports = publish == .proxy ? tasks.flatMap(\.hostPorts) + (proxy == nil ? [] : [port]) : [port]
        for hostPort in ports {
            if let failure = await gate.wait(deployment: service.deployment, health: check, port: hostPort, address: address,
                                             directory: effective.root, alive: { true }) {
                return failure
            }
        }
        return nil
    }

    /// After a failure: every service this deploy changed gets the previous release's spec
    /// again (re-applied and awaited); one the previous release did not have is removed.
    func restore(_ names: [String], previous: ReleaseRecord?) async -> [DeploymentResult] {
        var outcomes: [DeploymentResult] = []
        var old: [RenderedDeployment] = []
        for name in names {
            if let deployment = previous?.deployments.first(where: { $0.name == name }) {
                old.append(deployment)
            } else {
                let gone = (try? swarm.removeService(serviceName(name))) != nil
                outcomes.append(DeploymentResult(name: name, action: "rollback", outcome: gone ? "removed" : "remove failed"))
            }
        }
        guard let previous, !old.isEmpty else { return outcomes }
        let prepared = await prepare(old, manifest: nil, release: previous.id, jobs: 4)
        if let failure = prepared.results.compactMap(\.failure).first {
            return outcomes + old.map { DeploymentResult(name: $0.name, action: "rollback", outcome: "restore failed", detail: failure.observed) }
        }
        let applied = await apply(prepared.services, release: previous.id, action: "rollback")
        return outcomes + applied.map { item in
            DeploymentResult(name: item.result.name, action: "rollback", outcome: item.failure == nil ? "restored \(previous.id)" : "restore failed",
                             detail: item.failure?.observed ?? item.result.detail)
        }
    }
}
