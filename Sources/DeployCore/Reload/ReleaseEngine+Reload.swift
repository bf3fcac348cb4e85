import Foundation

/// `crank reload` on this machine: the planner's steps → a pending release (the live specs with
/// the new env) → a copy of the live release directory → every instance told at once → live; or,
/// when one did not apply, the previous config given back and the release recorded failed.
extension ReleaseEngine: ConfigReloading {
    func reloadSteps(_ manifest: BuildManifest, names: [String]) async throws(ReloadFailure) -> (releases: [ReleaseRecord], live: ReleaseRecord, steps: [ReloadStep]) {
        let releases: [ReleaseRecord]
        let live: ReleaseRecord?
        do throws(ReleaseEngine.Failure) { (releases, live) = try await history() } catch { throw .release(error) }
        guard let live else { throw .notDeployed }
        let steps = try ReloadPlanner.plan(live: live.deployments, desired: manifest.entries.map(\.deployment), names: names)
        return (releases, live, steps)
    }

    public func reloadPreview(_ manifest: BuildManifest, names: [String]) async throws(ReloadFailure) -> ReloadPreview {
        let (_, live, steps) = try await reloadSteps(manifest, names: names)
        return ReloadPreview(environment: environment, live: live.id, instances: steps.map { step in
            let record = runtime.record(step.running.name)
            return ReloadPreview.Instance(deployment: step.running.name, instance: record.map { "pid \($0.pid)" } ?? "not running",
                                          method: step.method, timeout: step.settings?.timeout, changed: step.changed)
        })
    }

    public func reload(_ manifest: BuildManifest, names: [String], options: ReloadOptions) async throws(ReloadFailure) -> ReloadReport {
        let (releases, live, steps) = try await reloadSteps(manifest, names: names)
        var record = try await ledger.openConfigOnly(after: releases, live: live, steps: steps, project: effective.config.project,
                                                     target: .local, reason: options.reason)
        let id = record.id
        try await ledger.cloneSnapshot(of: live, into: record, root: root)
        let directory = SourceSnapshot.directory(root: root, environment: environment, release: id)
        // Before an instance is told, its record names the new release: whatever happens next (a
        // timeout, crank killed mid-delivery) the record never claims the previous config for a
        // process that may run the new one. Killed, the release is interrupted and the next locked
        // command restarts these from the live release (recover); failed, they show as drift.
        // One whose record cannot be written is not told.
        var unrecorded: [String: String] = [:]
        for step in steps where step.settings != nil { unrecorded[step.running.name] = retag(step.running.name, release: id) }
        let results = await boundedConcurrency(steps, jobs: max(1, steps.count)) { [unrecorded] step in
            if let problem = unrecorded[step.running.name] {
                return InstanceReload(deployment: step.running.name, instance: self.runtime.record(step.running.name).map { "pid \($0.pid)" } ?? "not running",
                                      method: step.method, outcome: .unreachable(reason: "not told: its process record could not be written (\(problem))"))
            }
            return await self.apply(step, deployment: step.updated, running: step.running, release: id, previous: live.id, directory: directory)
        }
        record.reason = ReloadOptions.reason(options.reason, results)
        guard let failed = zip(steps, results).first(where: { !$0.1.outcome.isApplied }) else {
            do throws(ReleaseEngine.Failure) {
                try await ledger.promote(record, previous: live, previousBecomes: .superseded)
            } catch { throw .release(error) }
            return ReloadReport(environment: environment, release: id, previous: live.id, status: "applied", instances: results)
        }
        var reverted: [InstanceReload] = []
        var toRevert: [ReloadStep] = []
        if options.revertOnFailure {
            let liveDirectory = SourceSnapshot.directory(root: root, environment: environment, release: live.id)
            toRevert = ReloadRevert.worthReverting(Array(zip(steps, results)))
            reverted = await boundedConcurrency(toRevert, jobs: max(1, toRevert.count)) { step in
                await self.apply(step, deployment: step.running, running: step.updated, release: live.id, previous: id, directory: liveDirectory)
            }
        }
        for step in ReloadRevert.onPreviousConfig(told: Array(zip(steps, results)), reverted: Array(zip(toRevert, reverted)), inPlace: { $0.settings != nil }) {
            retag(step.running.name, release: live.id)
        }
        let failure = HealthFailure(deployment: failed.0.running.name, check: "reload", observed: failed.1.outcome.summary,
                                    threshold: "applied within \(DurationText.format(failed.0.settings?.timeout ?? 0))")
        await ledger.fail(record, failure)
        return ReloadReport(environment: environment, release: id, previous: live.id, status: "failed", instances: results, reverted: reverted)
    }

    /// Gives `deployment`'s config to its running instance the way `step` says — in place
    /// (signal, HTTP) or, without `reload:`, by the health-gated restart deploys use.
    func apply(_ step: ReloadStep, deployment: RenderedDeployment, running: RenderedDeployment, release: String, previous: String,
               directory: String) async -> InstanceReload {
        let name = deployment.name
        guard let settings = step.settings else {
            let applied = await replace(deployment, release: release, directory: directory)
            let pid = runtime.record(name).map { "pid \($0.pid)" } ?? "not running"
            guard let failure = applied.failure else {
                return InstanceReload(deployment: name, instance: pid, method: "restart", outcome: .applied(detail: "restarted (\(applied.result.detail ?? ""))"))
            }
            return InstanceReload(deployment: name, instance: pid, method: "restart",
                                  outcome: .rejected(status: nil, body: "\(failure.check): \(failure.observed) (wanted \(failure.threshold))"))
        }
        guard let process = runtime.record(name) else {
            return InstanceReload(deployment: name, instance: "not running", method: settings.summary,
                                  outcome: .unreachable(reason: "not running (`crank start --env \(environment) \(name)` starts it)"))
        }
        let payload = ReloadPayload.json(deployment: deployment, environment: environment, release: release, previous: previous,
                                         changed: ReloadPlanner.changedKeys(running.spec["env"], deployment.spec["env"]))
        let port: Int? = if case .int(let port)? = deployment.spec["port"] { port } else { nil }
        let outcome = await LocalReloadDelivery(runDirectory: runtime.runDirectory).deliver(settings, to: process, port: port, payload: payload, release: release)
        return InstanceReload(deployment: name, instance: "pid \(process.pid)", method: settings.summary, outcome: outcome)
    }

    /// Records that `name`'s running process runs `release`'s config; the problem when the record
    /// cannot be written.
    @discardableResult
    func retag(_ name: String, release: String) -> String? {
        guard var process = runtime.record(name) else { return nil }
        process.release = release
        do { try runtime.save(process) } catch { return "\(error)" }
        return nil
    }

    /// The live release's source revision (a reload ships no code).
    static func revision(of record: ReleaseRecord) -> SourceRevision {
        guard case .object(let manifest) = record.manifest, case .object(let source)? = manifest["source"] else {
            return SourceRevision(gitSHA: record.gitSHA, dirty: false, contentHash: nil)
        }
        let text = { (key: String) -> String? in if case .string(let value)? = source[key] { value } else { nil } }
        let dirty: Bool = if case .bool(let value)? = source["dirty"] { value } else { false }
        return SourceRevision(gitSHA: text("git_sha"), dirty: dirty, contentHash: text("content_hash"))
    }
}

extension SourceSnapshot {
    /// Copies release `from`'s directory to `to`'s (a config-only release runs the same code),
    /// under a temporary name first, as `create` does.
    static func clone(root: String, environment: String, from: String, to: String) throws {
        let source = directory(root: root, environment: environment, release: from)
        let target = directory(root: root, environment: environment, release: to)
        let temporary = target + ".partial"
        let manager = FileManager.default
        guard manager.fileExists(atPath: source) else { return try create(root: root, environment: environment, release: to) }
        do {
            try? manager.removeItem(atPath: temporary)
            try manager.createDirectory(atPath: temporary, withIntermediateDirectories: true)
            try copy(from: source, to: temporary, manager: manager)
            try manager.moveItem(atPath: temporary, toPath: target)
        } catch {
            try? manager.removeItem(atPath: temporary)
            throw error
        }
    }
}
