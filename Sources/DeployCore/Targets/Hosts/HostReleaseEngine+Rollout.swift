import Foundation

/// Deploy and rollback change hosts batch by batch (`rollout:`, see `RolloutPlan`); without
/// `rollout:` one batch holds every host.
extension HostReleaseEngine {
    /// What a batched replacement did.
    struct RolloutRun: Sendable {
        /// Every started placement's result, batch after batch.
        var applied: [Applied] = []
        /// The placements of the batches that started (the failing one included): what a
        /// failure restores.
        var touched: [Placement] = []
        /// The placements of the batches that never started after a failure: never changed.
        var skipped: [Placement] = []

        var failure: HealthFailure? { applied.compactMap(\.failure).first }
    }

    /// The rollout of `placements`: their hosts in the environment's host order, cut by `rollout:`.
    func rolloutPlan(_ placements: [Placement]) -> RolloutPlan {
        RolloutPlan(hosts: placements.map(\.host.name), order: settings?.hosts.map(\.name) ?? [], settings: settings?.rollout)
    }

    /// Replaces `placements` with `release` batch after batch: a batch's placements at most
    /// `ssh.max_parallel` at once, each gated; the next batch starts after `rollout.pause`
    /// once all passed. After a failing batch no later batch starts.
    func replaceInBatches(_ placements: [Placement], release: String) async -> RolloutRun {
        await Self.inBatches(placements, plan: rolloutPlan(placements), jobs: maxParallel) { placement, label in
            let applied = await self.replace(placement, release: release, batch: label)
            self.progress?(applied.result)
            return applied
        }
    }

    /// Runs `apply` (given each placement and its batch's label) batch after batch of `plan`,
    /// at most `jobs` at once; after a failing batch no later batch starts. Shared by the
    /// engines on hosts (processes and containers).
    static func inBatches(_ placements: [Placement], plan: RolloutPlan, jobs: Int,
                          apply: @escaping @Sendable (Placement, String?) async -> Applied) async -> RolloutRun {
        var run = RolloutRun()
        for (index, hosts) in plan.batches.enumerated() {
            let batch = placements.filter { hosts.contains($0.host.name) }
            guard run.failure == nil else {
                run.skipped += batch
                continue
            }
            if index > 0, plan.pause > 0 { try? await Task.sleep(nanoseconds: UInt64(plan.pause * 1_000_000_000)) }
            run.touched += batch
            let label = plan.label(index)
            run.applied += await boundedConcurrency(batch, jobs: jobs) { placement in await apply(placement, label) }
        }
        return run
    }

    /// Rows for the placements a failed rollout never reached.
    static func notStarted(_ skipped: [Placement]) -> [DeploymentResult] {
        skipped.map { DeploymentResult(name: $0.deployment.name, action: "start", outcome: "not started", detail: "\($0.host.name): an earlier batch failed") }
    }
}
