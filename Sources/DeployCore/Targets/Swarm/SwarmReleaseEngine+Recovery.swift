import Foundation

extension SwarmReleaseEngine {
    /// After an interrupted deploy (crank killed mid-rollout): every service the interrupted
    /// release applied (its `crank.release` label names it) gets the live release's spec again;
    /// one the live release does not have is removed. Services the deploy never reached are
    /// left alone.
    public func recover(after interrupted: [ReleaseRecord]) async throws(Failure) -> [DeploymentResult] {
        guard !interrupted.isEmpty else { return [] }
        let live = try await ledger.history().live
        let abandoned = Set(interrupted.map(\.id))
        var results: [DeploymentResult] = []
        var restore: [RenderedDeployment] = []
        for name in Set(interrupted.flatMap(\.deployments).map(\.name)).union(live?.deployments.map(\.name) ?? []).sorted() {
            let state: SwarmCLI.ServiceState?
            do throws(SwarmCLI.Failure) { state = try swarm.service(serviceName(name)) } catch {
                results.append(DeploymentResult(name: name, action: "restore", outcome: "failed", detail: error.output))
                continue
            }
            guard let state, let release = state.labels["crank.release"], abandoned.contains(release) else { continue }
            if let deployment = live?.deployments.first(where: { $0.name == name }) {
                restore.append(deployment)
            } else {
                let gone = (try? swarm.removeService(serviceName(name))) != nil
                results.append(DeploymentResult(name: name, action: "remove", outcome: gone ? "removed" : "failed", detail: "applied by the interrupted \(release)"))
            }
        }
        guard let live, !restore.isEmpty else { return results }
        let prepared = await prepare(restore, manifest: nil, release: live.id, jobs: 4)
        if let failure = prepared.results.compactMap(\.failure).first {
            return results + restore.map { DeploymentResult(name: $0.name, action: "restore", outcome: "failed", detail: failure.observed) }
        }
        let applied = await apply(prepared.services, release: live.id, action: "restore")
        return results + applied.map { item in
            DeploymentResult(name: item.result.name, action: "restore", outcome: item.failure == nil ? "restored \(live.id)" : "restore failed",
                             detail: item.failure?.observed ?? item.result.detail)
        }
    }
}
