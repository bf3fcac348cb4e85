import Foundation

extension ReleaseEngine {
    /// Adopts or stops orphaned processes; after an interrupted deploy, every deployment of
    /// the live release that does not run the live spec is started from the live release, and
    /// what the interrupted release started outside the live release is stopped — the
    /// automatic rollback the killed deploy did not get to do.
    public func recover(after interrupted: [ReleaseRecord]) async throws(Failure) -> [DeploymentResult] {
        var results = runtime.adopt().map { action in
            DeploymentResult(name: action.record.deployment, action: action.kind == .adopted ? "adopt" : "stop",
                             outcome: action.kind == .adopted ? "adopted" : "stopped",
                             detail: "pid \(action.record.pid), \(action.record.release), left by a killed crank")
        }
        guard !interrupted.isEmpty else { return results }
        let (releases, live) = try await history()
        let abandoned = Set(interrupted.map(\.id))
        for record in runtime.records() where abandoned.contains(record.release) && !(live?.deployments.contains { $0.name == record.deployment } ?? false) {
            runtime.stop(record.deployment)
            results.append(DeploymentResult(name: record.deployment, action: "stop", outcome: "stopped", detail: "started by the interrupted \(record.release)"))
        }
        guard let live else { return results }
        let directory = SourceSnapshot.directory(root: root, environment: environment, release: live.id)
        let stale = live.deployments.filter { deployment in
            guard let record = runtime.record(deployment.name), ProcessSupervisor.isAlive(record) else { return true }
            return Self.runningSpecHash(record, releases: releases) != deployment.specHash
        }
        for applied in await apply(stale, release: live.id, directory: directory, jobs: 4) {
            results.append(DeploymentResult(name: applied.result.name, action: "restore", outcome: applied.failure == nil ? "restored \(live.id)" : "restore failed",
                                            detail: applied.result.detail))
        }
        return results
    }
}
