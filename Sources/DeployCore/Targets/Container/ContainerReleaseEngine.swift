import Foundation

/// `target: container`: services and workers as podman/docker containers on this host.
/// Each release's image is tagged `<repository>:r<N>` (next to the build's git tag), so a
/// rollback starts the kept image; `keep_images` bounds how many are kept.
public struct ContainerReleaseEngine: ReleaseTarget {
    public typealias Failure = ReleaseEngine.Failure

    public let effective: EffectiveConfig
    public let store: any StateStore
    public let engine: ContainerEngine
    public let gate: HealthGate
    public let secrets: SecretStore
    /// The environment's reverse proxy (blue-green strategy); nil for recreate.
    public var proxy: (any TrafficProxy)?
    public var progress: (@Sendable (DeploymentResult) -> Void)?
    /// Seconds a stopping container gets before the engine kills it.
    public var grace = 10
    /// Where published ports bind and are health-checked: loopback here, the host's address
    /// for an engine on a remote host.
    public var address = "127.0.0.1"
    /// The remote host this engine's containers run on (nil: this machine).
    public var host: HostSpec?
    /// The deployments this engine acts on in status, lifecycle and recovery (nil: all of them;
    /// on a host: those placed there).
    public var scope: Set<String>?

    public init(effective: EffectiveConfig, store: any StateStore, engine: ContainerEngine, gate: HealthGate, secrets: SecretStore) {
        self.effective = effective
        self.store = store
        self.engine = engine
        self.gate = gate
        self.secrets = secrets
    }

    var environment: String { effective.environment ?? "" }
    var project: String { effective.config.project }
    var settings: EnvironmentSpec? { effective.config.environment(environment) }
    var ledger: ReleaseLedger { ReleaseLedger(store: store, environment: environment) }

    func labels(_ deployment: String) -> [String: String] {
        ["crank.project": project, "crank.environment": environment, "crank.deployment": deployment]
    }

    func containerName(_ deployment: String, release: String) -> String { "\(project)-\(deployment)-\(release)" }

    /// `REPO:r<N>` for the image a rendered spec names (`REPO:TAG`).
    static func releaseImage(_ deployment: RenderedDeployment, release: String) -> String? {
        image(deployment).map { repository(of: $0) + ":" + release }
    }

    static func repository(of image: String) -> String {
        let slash = image.lastIndex(of: "/")
        if let colon = image.lastIndex(of: ":"), slash.map({ colon > $0 }) ?? true { return String(image[..<colon]) }
        return image
    }

    static func port(_ deployment: RenderedDeployment) -> Int? {
        if case .int(let port)? = deployment.spec["port"] { return port }
        return nil
    }

    /// The container's environment: the deployment's env (secret placeholders filled back in),
    /// its secrets, and CRANK_* identifiers — nothing from crank's own environment.
    func variables(_ deployment: RenderedDeployment, release: String) -> [String: String] {
        var env: [String: String] = [:]
        if case .object(let values)? = deployment.spec["env"] {
            for (key, value) in values { if case .string(let text) = value { env[key] = secrets.unredact(text) } }
        }
        for name in deployment.secretNames { env[name] = secrets.value(name) }
        env["CRANK_ENVIRONMENT"] = environment
        env["CRANK_DEPLOYMENT"] = deployment.name
        env["CRANK_RELEASE"] = release
        if let host { env["CRANK_HOST"] = host.name }
        return env
    }

    public func plan(_ manifest: BuildManifest) async throws(Failure) -> PlanDiff {
        try await ledger.plan(manifest)
    }

    public func deploy(_ manifest: BuildManifest, options: DeployOptions) async throws(Failure) -> ReleaseOutcome {
        var desired = manifest.entries.map(\.deployment)
        let known = desired.map(\.name)
        for name in options.only where !known.contains(name) { throw .unknownDeployment(name, known: known) }
        for deployment in desired where deployment.kind != .container || deployment.role != .service {
            throw .unsupported(deployment: deployment.name, reason: deployment.role == .flow
                ? "a flow is registered with Prefect (a `target: prefect` environment), not run as a container here"
                : "a container environment runs `kind: container` deployments; set `kind: container` for it in this environment's overlay")
        }
        let (releases, live) = try await ledger.history()
        if !options.only.isEmpty {
            desired = desired.filter { options.only.contains($0.name) } + (live?.deployments ?? []).filter { !options.only.contains($0.name) }
        }
        let diff = PlanDiff.compute(environment: environment, desired: desired, live: live.map { ($0.id, $0.deployments) })
        let changed = Set(diff.deployments.filter { $0.action == .create || $0.action == .update }.map(\.name))
        let removed = diff.deployments.filter { $0.action == .delete }.map(\.name)
        // Changed deployments are replaced anyway; only the unchanged ones need a look: not
        // running, or running under the name of a failed reload (told its config, never given
        // the live one back: what it runs, no live release records).
        let failedIDs = releases.filter { $0.status == .failed || $0.status == .interrupted }.map(\.id)
        let notRunning = Set(desired.filter { deployment in
            guard !changed.contains(deployment.name) else { return false }
            guard let running = runningContainer(deployment.name) else { return true }
            return failedIDs.contains { running.name == containerName(deployment.name, release: $0) }
        }.map(\.name))
        let toStart = desired.filter { changed.contains($0.name) || notRunning.contains($0.name) }
        guard !toStart.isEmpty || !removed.isEmpty else {
            return ReleaseOutcome(environment: environment, release: live?.id, status: "unchanged",
                                  deployments: desired.map { DeploymentResult(name: $0.name, action: "unchanged", outcome: "running") }, failure: nil)
        }
        let record = try await ledger.open(after: releases, manifest: manifest, desired: desired, reason: options.reason)
        // Every deployment of the release gets its image tagged with the release id: a rollback
        // to it needs them all.
        let built = await images(for: desired, changed: changed, manifest: manifest, previous: live, release: record.id, jobs: options.jobs)
        if let failure = built.first(where: { $0.failure != nil }) {
            await ledger.fail(record, failure.failure!)
            return ReleaseOutcome(environment: environment, release: record.id, status: "failed", deployments: built.map(\.result), failure: failure.failure)
        }
        // pre_deploy hooks run in the new images before any container is replaced.
        let started = Set(toStart.map(\.name))
        var release = record
        var hookRuns: [HookRun] = []
        let (preRuns, preFailure) = await runHooks(.preDeploy, manifest.hooks, deployments: started, release: record.id, rendered: desired)
        hookRuns = preRuns
        if let failure = preFailure {
            release.hooks = hookRuns
            await ledger.fail(release, failure)
            return ReleaseOutcome(environment: environment, release: record.id, status: "failed", deployments: built.map(\.result), failure: failure, hooks: hookRuns)
        }
        let results = await boundedConcurrency(toStart, jobs: options.jobs) { deployment in
            let applied = await self.replace(deployment, release: record.id)
            self.progress?(applied.result)
            return applied
        }
        var failure = results.compactMap(\.failure).first
        if failure == nil {
            let (postRuns, postFailure) = await runHooks(.postDeploy, manifest.hooks, deployments: started, release: record.id, rendered: desired)
            hookRuns += postRuns
            failure = postFailure
        }
        release.hooks = hookRuns.isEmpty ? nil : hookRuns
        if let failure {
            var outcomes = results.map(\.result)
            if options.rollbackOnFailure {
                let (restored, rollbackRuns) = await rollBack(toStart.map(\.name), previous: live, results: outcomes)
                outcomes = restored
                hookRuns += rollbackRuns
                release.hooks = hookRuns.isEmpty ? nil : hookRuns
            }
            await ledger.fail(release, failure)
            return ReleaseOutcome(environment: environment, release: record.id, status: "failed", deployments: outcomes, failure: failure, hooks: hookRuns)
        }
        for name in removed { stopAll(name) }
        try await ledger.promote(release, previous: live, previousBecomes: .superseded)
        let pruned = pruneImages(keeping: try await ledger.history().releases)
        let outcomes = results.map(\.result) + removed.map { DeploymentResult(name: $0, action: "delete", outcome: "removed") }
            + desired.filter { deployment in !toStart.contains { $0.name == deployment.name } }
                .map { DeploymentResult(name: $0.name, action: "unchanged", outcome: "running") }
            + pruned
        return ReleaseOutcome(environment: environment, release: record.id, status: "live", deployments: outcomes, failure: nil, hooks: hookRuns)
    }

    struct Applied: Sendable {
        var result: DeploymentResult
        var failure: HealthFailure?
    }

    /// Builds (and pushes) the changed deployments' images as the builder planned, then tags
    /// every deployment's image `:r<N>` (unchanged ones from the previous release's tag).
    func images(for desired: [RenderedDeployment], changed: Set<String>, manifest: BuildManifest, previous: ReleaseRecord?,
                release: String, jobs: Int) async -> [Applied] {
        await boundedConcurrency(desired, jobs: jobs) { deployment in
            guard let image = Self.image(deployment), let target = Self.releaseImage(deployment, release: release) else {
                return Applied(result: DeploymentResult(name: deployment.name, action: "build", outcome: "failed", detail: "no image in the spec"),
                               failure: HealthFailure(deployment: deployment.name, check: "build", observed: "no image in the rendered spec", threshold: "an image"))
            }
            do throws(ContainerEngine.Failure) {
                let reused = previous.flatMap { old in old.deployments.first { $0.name == deployment.name }.flatMap { Self.releaseImage($0, release: old.id) } }
                if !changed.contains(deployment.name), let reused, engine.imageExists(reused) {
                    try engine.tag(reused, as: target)
                    return Applied(result: DeploymentResult(name: deployment.name, action: "tag", outcome: "kept", detail: target), failure: nil)
                }
                if !engine.imageExists(image) {
                    for command in manifest.entries.first(where: { $0.deployment.name == deployment.name })?.commands ?? [] {
                        if let problem = Self.contextProblem(command, root: effective.root) {
                            return Applied(result: DeploymentResult(name: deployment.name, action: "build", outcome: "refused", detail: problem),
                                           failure: HealthFailure(deployment: deployment.name, check: "build", observed: problem,
                                                                  threshold: "a .dockerignore that lists .crank"))
                        }
                        try engine.run(command)
                    }
                }
                try engine.tag(image, as: target)
                return Applied(result: DeploymentResult(name: deployment.name, action: "build", outcome: "built", detail: target), failure: nil)
            } catch {
                return Applied(result: DeploymentResult(name: deployment.name, action: "build", outcome: "failed", detail: error.output),
                               failure: HealthFailure(deployment: deployment.name, check: "build", observed: error.description, threshold: "the image builds"))
            }
        }
    }

    /// Why a build must not run: docker's legacy builder sends the whole context, and without a
    /// `.dockerignore` naming `.crank` that includes `.crank/secrets/` (podman gets crank's own
    /// `--ignorefile`).
    static func contextProblem(_ command: ShellCommand, root: String) -> String? {
        guard (command.executable as NSString).lastPathComponent == "docker", command.arguments.first == "build" else { return nil }
        let lines = (FileManager.default.contents(atPath: root + "/.dockerignore").map { String(decoding: $0, as: UTF8.self) } ?? "")
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        if lines.contains(where: { [".crank", ".crank/", "/.crank", "/.crank/", ".crank/**"].contains($0) }) { return nil }
        return "docker would copy .crank/ (secrets, state) into the image: add a .dockerignore with the lines .crank, .git and .venv"
    }

    /// The running container of `deployment`, if any.
    func runningContainer(_ deployment: String) -> ContainerEngine.State? {
        ((try? engine.states(labeled: labels(deployment))) ?? []).first { $0.running }
    }

    /// Stops and removes every container of `deployment` (and its proxy route).
    func stopAll(_ deployment: String) {
        dropRoute(deployment)
        for name in (try? engine.containers(labeled: labels(deployment))) ?? [] {
            try? engine.stop(name, grace: grace)
            engine.remove(name)
        }
    }

    /// Replaces `deployment`'s container with `release`'s image using the environment's strategy.
    func replace(_ deployment: RenderedDeployment, release: String) async -> Applied {
        let states: [ContainerEngine.State]
        do throws(ContainerEngine.Failure) {
            states = try engine.states(labeled: labels(deployment.name))
        } catch {
            return Self.engineFailure(deployment.name, error)
        }
        return settings?.strategy == .blueGreen
            ? await switchOver(deployment, release: release, states: states)
            : await recreate(deployment, release: release, states: states)
    }

    /// recreate: stop the old container, start the new one, gate it; on failure remove it and
    /// start the old one again.
    /// `states`: the deployment's containers now.
    func recreate(_ deployment: RenderedDeployment, release: String, states: [ContainerEngine.State]) async -> Applied {
        let name = containerName(deployment.name, release: release)
        let old = states.map(\.name).filter { $0 != name }
        let running = states.filter { $0.running && $0.name != name }.map(\.name)
        for container in running { try? engine.stop(container, grace: grace) }
        let port = Self.port(deployment)
        let started = await launch(deployment, release: release, hostPort: port, extraLabels: [:], exists: states.contains { $0.name == name })
        if let failure = started {
            for container in running { try? engine.startExisting(container) }
            // "the old container serves again" only once its port accepts connections.
            if let port, !running.isEmpty {
                _ = await gate.wait(deployment: deployment.name, health: .object(["kind": .string("tcp"), "timeout": .int(15)]), port: port,
                                    address: address, directory: effective.root, alive: { true })
            }
            return failure
        }
        for container in old { engine.remove(container) }
        return Applied(result: DeploymentResult(name: deployment.name, action: "start", outcome: "deployed", detail: name), failure: nil)
    }

    /// Starts `release`'s container for `deployment` (publishing its port on `hostPort`) and
    /// waits for the health gate. nil when healthy; otherwise the failure, with the new container
    /// removed (it did not start) or kept stopped (it failed the gate: its logs tell why).
    func launch(_ deployment: RenderedDeployment, release: String, hostPort: Int?, extraLabels: [String: String], exists: Bool) async -> Applied? {
        let name = containerName(deployment.name, release: release)
        if exists { engine.remove(name) }  // e.g. a failed attempt kept stopped, or a restart of the live release
        func fail(_ check: String, observed: String, threshold: String) -> Applied {
            engine.remove(name)
            return Applied(result: DeploymentResult(name: deployment.name, action: "start", outcome: "failed", detail: observed),
                           failure: HealthFailure(deployment: deployment.name, check: check, observed: observed, threshold: threshold))
        }
        guard let image = Self.releaseImage(deployment, release: release) else {
            return fail("start", observed: "no image in the rendered spec", threshold: "an image")
        }
        let launch = self.launch(deployment, release: release, image: image, hostPort: hostPort, extraLabels: extraLabels,
                                 env: variables(deployment, release: release))
        do throws(ContainerEngine.Failure) {
            _ = try engine.start(launch)
        } catch {
            return fail("start", observed: error.description, threshold: "the container starts")
        }
        let containers = engine
        if let failure = await gate.wait(deployment: deployment.name, health: deployment.spec["health"] ?? .null, port: hostPort,
                                         address: address, directory: effective.root, alive: { containers.inspect(name)?.running == true }) {
            // Kept stopped for `podman logs`; the next deploy of this deployment removes it.
            try? engine.stop(name, grace: 1)
            return Applied(result: DeploymentResult(name: deployment.name, action: "start", outcome: "failed",
                                                    detail: "\(failure.check): \(failure.observed) (wanted \(failure.threshold))"),
                           failure: failure)
        }
        return nil
    }

    /// What `run` starts for `deployment` of `release`.
    func launch(_ deployment: RenderedDeployment, release: String, image: String, hostPort: Int?, extraLabels: [String: String],
                env: [String: String]) -> ContainerEngine.Launch {
        var labels = labels(deployment.name).merging(extraLabels) { _, extra in extra }
        labels["crank.release"] = release
        var launch = ContainerEngine.Launch(name: containerName(deployment.name, release: release), image: image, env: env, labels: labels,
                                            network: settings?.containerNetwork.flatMap { $0.isEmpty ? nil : $0 })
        if let port = Self.port(deployment), let hostPort { launch.publish = [(hostPort, port)] }
        launch.address = address
        if case .string(let policy)? = deployment.spec["restart"], let restart = RestartPolicy(rawValue: policy) { launch.restart = restart }
        if case .object(let limits)? = deployment.spec["resources"] {
            if case .string(let cpus)? = limits["cpus"] { launch.resources.cpus = cpus }
            if case .string(let memory)? = limits["memory"] { launch.resources.memory = memory }
        }
        return launch
    }

    /// After a failure: what this deploy started goes back to the previous release's image.
    func restore(_ names: [String], previous: ReleaseRecord?, results: [DeploymentResult]) async -> [DeploymentResult] {
        var outcomes: [DeploymentResult] = []
        for name in names {
            let original = results.first { $0.name == name }
            if original?.outcome == "failed" {
                // replace() already put the old container back.
                outcomes.append(DeploymentResult(name: name, action: "rollback", outcome: previous == nil ? "failed, kept stopped" : "old container kept", detail: original?.detail))
                continue
            }
            guard let previous, let old = previous.deployments.first(where: { $0.name == name }) else {
                stopAll(name)
                outcomes.append(DeploymentResult(name: name, action: "rollback", outcome: "removed", detail: original?.detail))
                continue
            }
            let restored = await replace(old, release: previous.id)
            outcomes.append(DeploymentResult(name: name, action: "rollback", outcome: restored.failure == nil ? "restored \(previous.id)" : "restore failed",
                                             detail: restored.failure?.observed ?? original?.detail))
        }
        return outcomes
    }

    /// Untags what no kept release needs: `:r<N>` tags beyond the newest `keep_images`
    /// releases (never the live one's) and build tags (`:<git sha>`) no kept release names. An
    /// image goes once its last tag does; tags crank did not make are never touched.
    func pruneImages(keeping releases: [ReleaseRecord]) -> [DeploymentResult] {
        let keep = settings?.keepImages ?? 5
        let live = releases.first { $0.status == .live }
        let keptReleases = releases.filter { $0.status != .failed }.suffix(keep) + (live.map { [$0] } ?? [])
        let kept = Set(keptReleases.map(\.id))
        let keptBuilds = Set(keptReleases.flatMap(\.deployments).compactMap(Self.image))
        let builds = Set(releases.flatMap(\.deployments).compactMap(Self.image))
        var results: [DeploymentResult] = []
        for repository in Set(builds.map(Self.repository(of:))).sorted() {
            // An engine that does not answer prunes nothing this time.
            for reference in (try? engine.tags(of: repository)) ?? [] {
                let tag = String(reference.dropFirst(repository.count + 1))
                let releaseTag = tag.hasPrefix("r") && Int(tag.dropFirst()) != nil
                guard releaseTag ? !kept.contains(tag) : (builds.contains(reference) && !keptBuilds.contains(reference)) else { continue }
                if (try? engine.removeImage(reference)) != nil {
                    results.append(DeploymentResult(name: repository, action: "prune", outcome: "removed", detail: reference))
                }
            }
        }
        return results
    }

    /// A deployment that could not even be looked at: the engine did not answer.
    static func engineFailure(_ deployment: String, _ error: ContainerEngine.Failure) -> Applied {
        Applied(result: DeploymentResult(name: deployment, action: "start", outcome: "failed", detail: error.output),
                failure: HealthFailure(deployment: deployment, check: "engine", observed: error.description, threshold: "the engine answers"))
    }

    static func image(_ deployment: RenderedDeployment) -> String? {
        if case .string(let image)? = deployment.spec["image"] { return image }
        return nil
    }
}
