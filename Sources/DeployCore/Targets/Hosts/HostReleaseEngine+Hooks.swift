import Foundation

/// Hooks on an environment with hosts (local target): a hook runs **once**, on the first host
/// (in the environment's host order) of its `on:` deployment — the first host of the
/// environment for a hook without `on:` — in that host's copy of the release directory, with
/// the environment that deployment's process gets there (`HOST`, `CRANK_HOST`, …) plus
/// `CRANK_HOOK`. Output comes back over ssh into the release's log here.
extension HostReleaseEngine {
    func releaseLog(_ release: String) -> String? {
        (store as? FileStateStore).map { HookLog.path(stateDirectory: $0.directory, environment: environment, release: release) }
    }

    /// Where `hook` runs, and the deployment whose environment it gets.
    func hookPlacement(_ hook: Hook, rendered: [RenderedDeployment]) -> (host: HostSpec, deployment: RenderedDeployment?)? {
        if let name = hook.deployment, let deployment = rendered.first(where: { $0.name == name }) {
            return Self.hosts(deployment).first.map { ($0, deployment) }
        }
        return settings?.hosts.first.map { ($0, nil) }
    }

    func runHooks(_ phase: Hook.Phase, _ hooks: [Hook], deployments: Set<String>, release: String,
                  rendered: [RenderedDeployment]) async -> (runs: [HookRun], failure: HealthFailure?) {
        let selected = HookPhase(phase, of: hooks, deployments: deployments)
        guard !selected.hooks.isEmpty else { return ([], nil) }
        let redactor = secrets.redactor(for: Array(Set(rendered.flatMap(\.secretNames))))
        return await selected.run(release: release, log: releaseLog(release), redactor: redactor) { hook in
            guard let (host, deployment) = hookPlacement(hook, rendered: rendered) else {
                return HookResult(status: nil, notStarted: "no host to run it on", output: "", seconds: 0)
            }
            if let problem = await ship(release, to: host) { return HookResult(status: nil, notStarted: problem, output: "", seconds: 0) }
            var env: [String: String]
            if let deployment {
                env = variables(Placement(deployment: deployment, host: host), release: release)
            } else {
                env = hook.env.mapValues(secrets.unredact)
                env["PYTHONUNBUFFERED"] = "1"
                env["HOST"] = env["HOST"] ?? host.address
                env["CRANK_HOST"] = host.name
                env["CRANK_ENVIRONMENT"] = environment
                env["CRANK_RELEASE"] = release
            }
            env["CRANK_HOOK"] = phase.rawValue
            let command = RemoteHook.command(transport(host), argv: hook.run.map(secrets.unredact), directory: releaseDirectory(host, release: release),
                                             timeout: hook.timeout, environment: env)
            let started = Date()
            let result = await runner.result(of: command, timeout: hook.timeout + 30)
            return RemoteHook.result(result, seconds: Date().timeIntervalSince(started), host: host.name)
        }
    }

    /// The automatic rollback of a failed deploy with `previous`'s rollback hooks around the
    /// restore (a failing one is recorded, never stops the restore).
    func rollBack(_ placements: [Placement], previous: ReleaseRecord?, results: [DeploymentResult]) async -> (outcomes: [DeploymentResult], runs: [HookRun]) {
        guard let previous else { return (await restore(placements, previous: nil, results: results), []) }
        let hooks = Hook.recorded(in: previous.manifest)
        let restored = Set(placements.map(\.deployment.name)).intersection(previous.deployments.map(\.name))
        var runs = await runHooks(.preRollback, hooks, deployments: restored, release: previous.id, rendered: previous.deployments).runs
        let outcomes = await restore(placements, previous: previous, results: results)
        runs += await runHooks(.postRollback, hooks, deployments: restored, release: previous.id, rendered: previous.deployments).runs
        return (outcomes, runs)
    }
}
