import Foundation

/// `crank reload` on `target: container` (this machine): every service container of the live
/// release is told over HTTP on its published port (blue-green: the live color's own port,
/// not nginx's), and a deployment without `reload:` is replaced as a deploy does. The reload
/// release rN tags every image `:rN`; when every instance applied, each running container of
/// the release is renamed to rN's name, so status, restart, rollback and the next deploy treat
/// it as rN's.
extension ContainerReleaseEngine: ConfigReloading {
    func reloadSteps(_ manifest: BuildManifest, names: [String]) async throws(ReloadFailure) -> (releases: [ReleaseRecord], live: ReleaseRecord, steps: [ReloadStep]) {
        let releases: [ReleaseRecord]
        let live: ReleaseRecord?
        do throws(ReleaseEngine.Failure) { (releases, live) = try await ledger.history() } catch { throw .release(error) }
        guard let live else { throw .notDeployed }
        let steps = try ReloadPlanner.plan(live: live.deployments, desired: manifest.entries.map(\.deployment), names: names)
        try Self.refuseSignals(steps)
        return (releases, live, steps)
    }

    /// `reload: {signal: …}` is not delivered into containers (see README): refused before
    /// anything changes.
    static func refuseSignals(_ steps: [ReloadStep]) throws(ReloadFailure) {
        for step in steps {
            if case .signal(let signal)? = step.settings?.method {
                throw .notReloadable(step.running.name, reason: "`reload: {signal: \(signal.rawValue)}` does not reach a container; "
                    + "use `reload: {http: {method: POST, path: …}}`, or `crank deploy` the new config")
            }
        }
    }

    public func reloadPreview(_ manifest: BuildManifest, names: [String]) async throws(ReloadFailure) -> ReloadPreview {
        let (_, live, steps) = try await reloadSteps(manifest, names: names)
        return ReloadPreview(environment: environment, live: live.id, instances: steps.map { step in
            let instance = runningContainer(step.running.name).map { "\($0.name)" + (Self.hostPort(of: $0, step.running).map { " :\($0)" } ?? "") }
            return ReloadPreview.Instance(deployment: step.running.name, instance: instance ?? "not running",
                                          method: step.method, timeout: step.settings?.timeout, changed: step.changed)
        })
    }

    public func reload(_ manifest: BuildManifest, names: [String], options: ReloadOptions) async throws(ReloadFailure) -> ReloadReport {
        let (releases, live, steps) = try await reloadSteps(manifest, names: names)
        var record = try await ledger.openConfigOnly(after: releases, live: live, steps: steps, project: project,
                                                     target: .container, reason: options.reason)
        let id = record.id
        // The same images under the new release's tag: a restart below, a later rollback to
        // this release or `crank start` of a removed container start `:rN`.
        for deployment in live.deployments {
            guard let source = Self.releaseImage(deployment, release: live.id), let target = Self.releaseImage(deployment, release: id) else { continue }
            do throws(ContainerEngine.Failure) { try engine.tag(source, as: target) } catch {
                await ledger.fail(record, HealthFailure(deployment: deployment.name, check: "tag", observed: error.description, threshold: "\(target) is tagged"))
                throw .release(.state("cannot tag \(target) (nothing was reloaded): \(error.output)"))
            }
        }
        let containers = try await renameBeforeTelling(steps, steps.map { runningContainer($0.running.name) }, record: record)
        let results = await boundedConcurrency(Array(zip(steps, containers)), jobs: max(1, steps.count)) { step, container in
            await self.apply(step, deployment: step.updated, running: step.running, container: container, release: id, previous: live.id)
        }
        record.reason = ReloadOptions.reason(options.reason, results)
        var firstFailure = zip(steps, results).first { !$0.1.outcome.isApplied }.map { step, result in
            HealthFailure(deployment: step.running.name, check: "reload", observed: result.outcome.summary,
                          threshold: "applied within \(DurationText.format(step.settings?.timeout ?? 0))")
        }
        if firstFailure == nil {
            // Every container that keeps running — reloaded, or not named — becomes this release's.
            let restarted = Set(steps.filter { $0.settings == nil }.map(\.running.name))
            firstFailure = renameReloaded(live.deployments.filter { !restarted.contains($0.name) }.compactMap { runningContainer($0.name) }, to: id)
        }
        guard let failure = firstFailure else {
            do throws(ReleaseEngine.Failure) {
                try await ledger.promote(record, previous: live, previousBecomes: .superseded)
            } catch { throw .release(error) }
            return ReloadReport(environment: environment, release: id, previous: live.id, status: "applied", instances: results)
        }
        var reverted: [InstanceReload] = []
        var toRevert: [ReloadStep] = []
        if options.revertOnFailure {
            toRevert = ReloadRevert.worthReverting(Array(zip(steps, results)))
            reverted = await boundedConcurrency(toRevert, jobs: max(1, toRevert.count)) { step in
                await self.apply(step, deployment: step.running, running: step.updated, container: self.runningContainer(step.running.name),
                                 release: live.id, previous: id)
            }
        }
        for step in ReloadRevert.onPreviousConfig(told: Array(zip(steps, results)), reverted: Array(zip(toRevert, reverted)), inPlace: { $0.settings != nil }) {
            renameBack(step.running.name, from: id, to: live.id)
        }
        await ledger.fail(record, failure)
        return ReloadReport(environment: environment, release: id, previous: live.id, status: "failed", instances: results, reverted: reverted)
    }

    /// Each container told in place is renamed to the new release's name before it is told (as
    /// process records are retagged): a crank killed mid-reload leaves it under a name of the
    /// interrupted release, which the recovery replaces from the live release's image; a failed
    /// reload leaves it as drift unless it got the previous config back. When a rename fails,
    /// those done get their names back and the release fails before anything was told.
    func renameBeforeTelling(_ steps: [ReloadStep], _ containers: [ContainerEngine.State?], record: ReleaseRecord) async throws(ReloadFailure)
        -> [ContainerEngine.State?] {
        var renamed: [(from: String, to: String)] = []
        var result = containers
        for (index, step) in steps.enumerated() where step.settings != nil {
            guard var container = containers[index] else { continue }
            let name = containerName(step.running.name, release: record.id)
            guard name != container.name else { continue }
            do throws(ContainerEngine.Failure) {
                try engine.rename(container.name, to: name)
            } catch {
                for done in renamed.reversed() { try? engine.rename(done.to, to: done.from) }
                await ledger.fail(record, HealthFailure(deployment: step.running.name, check: "rename", observed: error.description,
                                                        threshold: "\(container.name) becomes \(name)"))
                throw .release(.state("cannot rename \(container.name) to \(name) (nothing was reloaded): \(error.output)"))
            }
            renamed.append((container.name, name))
            container.name = name
            result[index] = container
        }
        return result
    }

    /// `deployment`'s container under `from`'s name gets `to`'s name back.
    func renameBack(_ deployment: String, from: String, to: String) {
        let current = containerName(deployment, release: from)
        guard let state = runningContainer(deployment), state.name == current else { return }
        try? engine.rename(current, to: containerName(deployment, release: to))
    }

    /// Renames the containers to `release`'s names; when one cannot be, those already renamed
    /// get their names back and the failure says why.
    func renameReloaded(_ reloaded: [ContainerEngine.State], to release: String) -> HealthFailure? {
        var renamed: [(from: String, to: String)] = []
        for state in reloaded {
            guard let deployment = state.labels["crank.deployment"] else { continue }
            let name = containerName(deployment, release: release)
            guard name != state.name else { continue }
            do throws(ContainerEngine.Failure) {
                try engine.rename(state.name, to: name)
                renamed.append((state.name, name))
            } catch {
                for done in renamed.reversed() { try? engine.rename(done.to, to: done.from) }
                return HealthFailure(deployment: deployment, check: "rename", observed: error.description, threshold: "\(state.name) becomes \(name)")
            }
        }
        return nil
    }

    /// Gives `deployment`'s config to its running container (`container`) the way `step` says:
    /// over HTTP or, without `reload:`, by the health-gated replacement deploys use.
    func apply(_ step: ReloadStep, deployment: RenderedDeployment, running: RenderedDeployment, container: ContainerEngine.State?,
               release: String, previous: String) async -> InstanceReload {
        let name = deployment.name
        guard let settings = step.settings else {
            let applied = await replace(deployment, release: release)
            let instance = applied.result.detail.flatMap { $0.split(separator: " ").first.map(String.init) } ?? containerName(name, release: release)
            guard let failure = applied.failure else {
                return InstanceReload(deployment: name, instance: instance, method: "restart", outcome: .applied(detail: "restarted (\(applied.result.detail ?? ""))"))
            }
            return InstanceReload(deployment: name, instance: container?.name ?? instance, method: "restart",
                                  outcome: .rejected(status: nil, body: "\(failure.check): \(failure.observed) (wanted \(failure.threshold))"))
        }
        guard let container else {
            return InstanceReload(deployment: name, instance: "not running", method: settings.summary,
                                  outcome: .unreachable(reason: "no running container (`crank start --env \(environment) \(name)` starts it)"))
        }
        guard case .http(let method, let path) = settings.method, let port = Self.hostPort(of: container, deployment),
              let url = URL(string: "http://\(HostReleaseEngine.urlHost(address)):\(port)\(path)") else {
            return InstanceReload(deployment: name, instance: container.name, method: settings.summary,
                                  outcome: .unreachable(reason: "no published port to send the config to"))
        }
        let payload = ReloadPayload.json(deployment: deployment, environment: environment, release: release, previous: previous,
                                         changed: ReloadPlanner.changedKeys(running.spec["env"], deployment.spec["env"]))
        let outcome = await LocalReloadDelivery.send(method: method, url: url, body: Data(ReloadPayload.text(payload).utf8), timeout: settings.timeout)
        return InstanceReload(deployment: name, instance: "\(container.name) :\(port)", method: settings.summary, outcome: outcome)
    }

    /// Where `container` listens on this machine: the color's own port (blue-green), else the
    /// deployment's port it publishes.
    static func hostPort(of container: ContainerEngine.State, _ deployment: RenderedDeployment) -> Int? {
        container.labels[upstreamLabel].flatMap(Int.init) ?? port(deployment)
    }
}
