import Foundation

extension HostReleaseEngine {
    /// The plan diff; with `rollout:`, also the batches of the hosts of changed deployments
    /// (a deploy also restarts a host whose process does not run — only it can ask the hosts).
    public func plan(_ manifest: BuildManifest) async throws(Failure) -> PlanDiff {
        var diff = try await ledger.plan(manifest)
        guard settings?.rollout != nil else { return diff }
        let changed = Set(diff.deployments.filter { $0.action == .create || $0.action == .update }.map(\.name))
        diff.rollout = rolloutPlan(Self.placements(manifest.entries.map(\.deployment).filter { changed.contains($0.name) }))
        return diff
    }

    /// Probe every host → plan → replace the changed (or not running) deployments batch by
    /// batch (`rollout:`; one batch without it), at most `ssh.max_parallel` at once, each gated,
    /// copying the release to a host first → live. A failing batch stops the rollout and puts
    /// every placement changed so far back to the previous release; later batches stay untouched.
    public func deploy(_ manifest: BuildManifest, options: DeployOptions) async throws(Failure) -> ReleaseOutcome {
        var desired = manifest.entries.map(\.deployment)
        let known = desired.map(\.name)
        for name in options.only where !known.contains(name) { throw .unknownDeployment(name, known: known) }
        for deployment in desired where deployment.spec["argv"] == nil || Self.hosts(deployment).isEmpty {
            throw .unsupported(deployment: deployment.name, reason: "a deployment of an environment with hosts needs a command and `role:` or `hosts:`")
        }
        let (releases, live) = try await ledger.history()
        if !options.only.isEmpty {
            desired = desired.filter { options.only.contains($0.name) } + (live?.deployments ?? []).filter { !options.only.contains($0.name) }
        }
        let wanted = Self.placements(desired)
        let previous = Self.placements(live?.deployments ?? [])
        let running = try await listings(wanted.map(\.host) + previous.map(\.host))
        let plan = PlacementPlan.compute(environment: environment, desired: desired, live: live) { placement in
            guard let entry = running[placement.host.name]?.first(where: { $0.deployment == placement.deployment.name }), entry.running else { return false }
            return Self.specHash(of: entry, releases: releases) == placement.deployment.specHash
        }
        guard !plan.isEmpty else { return plan.unchanged(environment: environment, live: live) }
        let toStart = plan.toStart
        let record = try await ledger.open(after: releases, manifest: manifest, desired: desired, reason: options.reason)
        do {
            try SourceSnapshot.create(root: root, environment: environment, release: record.id)
        } catch {
            await ledger.fail(record, HealthFailure(deployment: "-", check: "snapshot", observed: "\(error)", threshold: "the release directory is written"))
            throw .state("cannot record release \(record.id): \(error)")
        }
        // pre_deploy hooks run (once, on their deployment's first host) before any host changes.
        let started = Set(toStart.map(\.deployment.name))
        var release = record
        var hookRuns: [HookRun] = []
        let (preRuns, preFailure) = await runHooks(.preDeploy, manifest.hooks, deployments: started, release: record.id, rendered: desired)
        hookRuns = preRuns
        if let failure = preFailure {
            release.hooks = hookRuns
            await ledger.fail(release, failure)
            return ReleaseOutcome(environment: environment, release: record.id, status: "failed",
                                  deployments: toStart.map { DeploymentResult(name: $0.deployment.name, action: "start", outcome: "not started", detail: "\($0.host.name): pre_deploy hook failed") },
                                  failure: failure, hooks: hookRuns)
        }
        let run = await replaceInBatches(toStart, release: record.id)
        let results = run.applied
        var failure = run.failure
        if failure == nil {
            let (postRuns, postFailure) = await runHooks(.postDeploy, manifest.hooks, deployments: started, release: record.id, rendered: desired)
            hookRuns += postRuns
            failure = postFailure
        }
        if let failure {
            var outcomes = results.map(\.result)
            if options.rollbackOnFailure {
                let (restored, rollbackRuns) = await rollBack(run.touched, previous: live, results: outcomes)
                outcomes = restored
                hookRuns += rollbackRuns
            }
            outcomes += Self.notStarted(run.skipped)
            release.hooks = hookRuns.isEmpty ? nil : hookRuns
            await ledger.fail(release, failure)
            return ReleaseOutcome(environment: environment, release: record.id, status: "failed", deployments: outcomes, failure: failure, hooks: hookRuns)
        }
        let stopped = await stop(plan.toStop)
        release.hooks = hookRuns.isEmpty ? nil : hookRuns
        try await ledger.promote(release, previous: live, previousBecomes: .superseded)
        await pruneRemote(keeping: try await ledger.history().releases, hosts: wanted.map(\.host))
        return ReleaseOutcome(environment: environment, release: record.id, status: "live", deployments: results.map(\.result) + stopped + plan.untouched,
                              failure: nil, hooks: hookRuns)
    }

    /// The spec hash of what a remote process runs: its release's recorded spec of the deployment.
    static func specHash(of entry: RemoteSupervisor.Entry, releases: [ReleaseRecord]) -> String? {
        releases.first { $0.id == entry.release }?.deployments.first { $0.name == entry.deployment }?.specHash
    }

    /// Replaces one deployment on one host: with a port the old process stops first and the port
    /// must then be free on the host (crank's own strays are stopped, anyone else's fails the
    /// placement), and once the gate passes it must be answered by the started process; without
    /// a port the new one starts, passes its gate, then the old one stops. Few round trips: the
    /// copy is one call, stopping the old process and checking the port another, the start (with
    /// the environment on stdin) a third. `batch` labels the result's detail ("host-2 (batch 2/3) pid 4242").
    func replace(_ placement: Placement, release: String, batch: String? = nil) async -> Applied {
        let name = placement.deployment.name
        let host = placement.host
        let shown = host.name + (batch.map { " (\($0))" } ?? "")
        func failed(_ check: String, _ observed: String, _ threshold: String) -> Applied {
            Applied(result: DeploymentResult(name: name, action: "start", outcome: "failed", detail: "\(shown): \(observed)"),
                    failure: HealthFailure(deployment: "\(name)@\(host.name)", check: check, observed: observed, threshold: threshold))
        }
        if let problem = await ship(release, to: host) { return failed("copy", problem, "the release is on the host") }
        let port = Self.port(placement.deployment)
        var old: RemoteSupervisor.Entry?
        if let port {
            // The recorded process stops within the port check's call.
            if let problem = await claim(port: port, for: placement) { return failed("port", problem.description, "port \(port) free on \(host.name)") }
        } else {
            do throws(Failure) { old = try await listing(host).first { $0.deployment == name && $0.running } } catch {
                return failed("host", "\(error)", "the host answers")
            }
        }
        guard case .array(let items)? = placement.deployment.spec["argv"] else { return failed("start", "no command", "a command") }
        let argv = items.compactMap { if case .string(let text) = $0 { return secrets.unredact(text) } else { return nil } }
        let directory = releaseDirectory(host, release: release)
        let envFile = "\(host.root)/run/\(environment)/.\(name).env"
        let started = await call(host, "start", [host.root, environment, name, release, port.map(String.init) ?? "-", directory, envFile] + argv,
                                 input: RemoteSupervisor.environmentFile(variables(placement, release: release)))
        let fields = started.stdout.split(whereSeparator: \.isWhitespace)
        guard started.status == 0, fields.count == 2, let pid = Int32(fields[0]) else {
            return failed("start", Self.reason(started), "the process starts")
        }
        let ticks = String(fields[1])
        let engine = self
        let exec: @Sendable ([String]) async -> CommandResult = { argv in
            await engine.runner.result(of: engine.transport(host).command(["/bin/sh", "-c", "cd \"$1\" && shift && exec \"$@\"", "crank-exec", directory] + argv),
                                       timeout: 10)
        }
        // The start call has just seen the process: the gate's first questions cost no round trip
        // (a crash then shows at the next one, and the serving check asks the host as well).
        let seen = Date()
        let alive: @Sendable () async -> Bool = {
            if Date().timeIntervalSince(seen) < engine.gate.aliveInterval * 0.8 { return true }
            return await engine.call(host, "alive", [String(pid), ticks]).status == 0
        }
        var serving: (@Sendable () async -> String?)?
        if let port { serving = { await engine.servingProblem(port: port, for: placement, pid: pid, ticks: ticks)?.description } }
        if let failure = await gate.wait(deployment: name, health: placement.deployment.spec["health"] ?? .null, port: port, address: host.address,
                                         directory: directory, alive: alive, serving: serving, exec: exec) {
            return failed(failure.check, failure.observed, failure.threshold)
        }
        if port == nil, let old, old.pid != pid { await stopProcess(old, on: host) }
        return Applied(result: DeploymentResult(name: name, action: "start", outcome: "deployed", detail: "\(shown) pid \(pid)"), failure: nil)
    }

    @discardableResult
    func stopProcess(_ entry: RemoteSupervisor.Entry, on host: HostSpec, forget: Bool = false) async -> Bool {
        let record = forget ? "\(host.root)/run/\(environment)/\(entry.deployment)" : ""
        return await call(host, "stop", [String(entry.pid), entry.startTicks, String(grace), record]).status == 0
    }

    /// Stops (and forgets) `placements`' processes.
    func stop(_ placements: [Placement]) async -> [DeploymentResult] {
        await boundedConcurrency(placements, jobs: maxParallel) { placement in
            let entries = (try? await self.listing(placement.host)) ?? []
            var stopped = true
            for entry in entries where entry.deployment == placement.deployment.name {
                stopped = await self.stopProcess(entry, on: placement.host, forget: true) && stopped
            }
            return DeploymentResult(name: placement.deployment.name, action: "stop", outcome: stopped ? "stopped" : "timed out", detail: placement.host.name)
        }
    }

    /// After a failure: every placement this deploy touched goes back to the previous release
    /// (stopped where the previous release did not run it).
    func restore(_ placements: [Placement], previous: ReleaseRecord?, results: [DeploymentResult]) async -> [DeploymentResult] {
        let old = Dictionary(Self.placements(previous?.deployments ?? []).map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        return await boundedConcurrency(placements, jobs: maxParallel) { placement in
            guard let previous, let before = old[placement.key] else {
                let stopped = await self.stop([placement])
                return DeploymentResult(name: placement.deployment.name, action: "rollback", outcome: "stopped", detail: stopped.first?.detail)
            }
            let restored = await self.replace(before, release: previous.id)
            return DeploymentResult(name: placement.deployment.name, action: "rollback",
                                    outcome: restored.failure == nil ? "restored \(previous.id)" : "restore failed",
                                    detail: "\(placement.host.name)\(restored.failure.map { ": \($0.observed)" } ?? "")")
        }
    }

    /// Removes release directories on the hosts that no kept release needs (keep_releases).
    func pruneRemote(keeping releases: [ReleaseRecord], hosts: [HostSpec]) async {
        let keep = settings?.keepReleases ?? 10
        let restorable = releases.filter { [.live, .superseded, .rolledBack].contains($0.status) }
        let kept = Array(Set(restorable.suffix(keep).map(\.id) + releases.filter { $0.status == .live || $0.status == .pending }.map(\.id))).sorted()
        let unique = Array(Dictionary(hosts.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }).values)
        _ = await boundedConcurrency(unique, jobs: maxParallel) { host in
            await self.call(host, "prune", ["\(host.root)/releases/\(self.environment)"] + kept)
        }
    }
}
