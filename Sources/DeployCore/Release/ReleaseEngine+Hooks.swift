import Foundation

/// Hooks on the local target: each runs on this machine in the release's directory, with the
/// environment its `on:` deployment's process gets (env, secrets, CRANK_*), or for a hook
/// without `on:` the environment's `env:`; plus `CRANK_HOOK=<phase>`.
extension ReleaseEngine {
    func releaseLog(_ release: String) -> String? {
        (store as? FileStateStore).map { HookLog.path(stateDirectory: $0.directory, environment: environment, release: release) }
    }

    /// Runs `phase` of `hooks` with release `release` (whose deployments are `rendered`);
    /// deployment hooks only for `deployments`.
    func runHooks(_ phase: Hook.Phase, _ hooks: [Hook], deployments: Set<String>, release: String,
                  rendered: [RenderedDeployment]) async -> (runs: [HookRun], failure: HealthFailure?) {
        let selected = HookPhase(phase, of: hooks, deployments: deployments)
        guard !selected.hooks.isEmpty else { return ([], nil) }
        let directory = SourceSnapshot.directory(root: root, environment: environment, release: release)
        let runtime = runtime
        let environment = environment
        let redactor = runtime.secrets.redactor(for: Array(Set(rendered.flatMap(\.secretNames))))
        return await selected.run(release: release, log: releaseLog(release), redactor: redactor) { hook in
            var env: [String: String]
            if let name = hook.deployment, let deployment = rendered.first(where: { $0.name == name }) {
                env = runtime.environment(for: deployment, release: release)
            } else {
                env = runtime.baseEnvironment.merging(hook.env.mapValues(runtime.unredact)) { _, own in own }
                env["PYTHONUNBUFFERED"] = "1"
                env["CRANK_ENVIRONMENT"] = environment
                env["CRANK_RELEASE"] = release
            }
            env["CRANK_HOOK"] = phase.rawValue
            let argv = hook.run.map(runtime.unredact)
            let variables = env
            return await offPool { HookProcess.run(argv: argv, directory: directory, environment: variables, timeout: hook.timeout) }
        }
    }

    /// The automatic rollback of a failed deploy: `previous`'s `pre_rollback` hooks, the restore,
    /// then its `post_rollback` hooks. A failing rollback hook is recorded but never stops the
    /// restore: bringing the service back comes first.
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
