import Foundation

/// Hooks on the container target: each runs in a one-off container (`run --rm`) of its `on:`
/// deployment's image of the release, with that deployment's env and secrets (an env-file),
/// in the image's working directory (the release's code). Validation makes every hook here
/// name a deployment.
extension ContainerReleaseEngine {
    func releaseLog(_ release: String) -> String? {
        (store as? FileStateStore).map { HookLog.path(stateDirectory: $0.directory, environment: environment, release: release) }
    }

    func runHooks(_ phase: Hook.Phase, _ hooks: [Hook], deployments: Set<String>, release: String,
                  rendered: [RenderedDeployment]) async -> (runs: [HookRun], failure: HealthFailure?) {
        let selected = HookPhase(phase, of: hooks, deployments: deployments)
        guard !selected.hooks.isEmpty else { return ([], nil) }
        let redactor = secrets.redactor(for: Array(Set(rendered.flatMap(\.secretNames))))
        let engine = engine
        return await selected.run(release: release, log: releaseLog(release), redactor: redactor) { hook in
            guard let name = hook.deployment, let deployment = rendered.first(where: { $0.name == name }),
                  let image = Self.releaseImage(deployment, release: release) else {
                return HookResult(status: nil, notStarted: "no container image to run it in (`on:` names no container deployment of \(release))", output: "", seconds: 0)
            }
            var env = variables(deployment, release: release)
            env["CRANK_HOOK"] = phase.rawValue
            let oneOff = ContainerEngine.OneOff(
                name: "\(project)-hook-\(release)-\(UUID().uuidString.prefix(8).lowercased())", image: image, env: env,
                labels: ["crank.project": project, "crank.environment": environment, "crank.hook": phase.rawValue, "crank.release": release],
                network: settings?.containerNetwork.flatMap { $0.isEmpty ? nil : $0 }, command: hook.run.map(secrets.unredact))
            return await offPool { engine.runOnce(oneOff, timeout: hook.timeout) }
        }
    }

    /// The automatic rollback of a failed deploy, with `previous`'s rollback hooks around the
    /// restore; a failing rollback hook is recorded but never stops the restore.
    func rollBack(_ names: [String], previous: ReleaseRecord?, results: [DeploymentResult]) async -> (outcomes: [DeploymentResult], runs: [HookRun]) {
        guard let previous else { return (await restore(names, previous: nil, results: results), []) }
        let hooks = Hook.recorded(in: previous.manifest)
        let restored = Set(names).intersection(previous.deployments.map(\.name))
        var runs = await runHooks(.preRollback, hooks, deployments: restored, release: previous.id, rendered: previous.deployments).runs
        let outcomes = await restore(names, previous: previous, results: results)
        runs += await runHooks(.postRollback, hooks, deployments: restored, release: previous.id, rendered: previous.deployments).runs
        return (outcomes, runs)
    }
}
