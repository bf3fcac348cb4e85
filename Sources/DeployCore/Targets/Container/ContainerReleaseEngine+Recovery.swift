import Foundation

extension ContainerReleaseEngine {
    /// After an interrupted deploy: each deployment of the live release must run a container
    /// of the live spec with traffic routed to it, and the interrupted release's containers go.
    /// A deploy killed mid-switch left nginx on the new color (or a recreate left the old
    /// container stopped): the live one is started again (or replaced from the live release's
    /// image) and the proxy routed back to it.
    public func recover(after interrupted: [ReleaseRecord]) async throws(Failure) -> [DeploymentResult] {
        guard !interrupted.isEmpty else { return [] }
        let (releases, live) = try await ledger.history()
        let abandoned = Set(interrupted.map(\.id))
        var results: [DeploymentResult] = []
        let liveNames = Set(live?.deployments.map(\.name) ?? [])
        let inScope = { (name: String) in scope?.contains(name) ?? true }
        for deployment in Set(interrupted.flatMap(\.deployments).map(\.name)).subtracting(liveNames).filter(inScope).sorted() {
            stopAll(deployment)
            results.append(DeploymentResult(name: deployment, action: "remove", outcome: "removed", detail: "started by an interrupted deploy"))
        }
        for deployment in (live?.deployments ?? []).filter({ inScope($0.name) }) {
            guard let live else { break }
            let states: [ContainerEngine.State]
            do throws(ContainerEngine.Failure) { states = try engine.states(labeled: labels(deployment.name)) } catch {
                results.append(DeploymentResult(name: deployment.name, action: "restore", outcome: "failed", detail: error.output))
                continue
            }
            // Named after an interrupted release: started by it, or told a new config by a killed
            // `crank reload` (renamed before it was told) — either way not the live release's.
            let abandonedNames = Set(abandoned.map { containerName(deployment.name, release: $0) })
            let isStray = { (state: ContainerEngine.State) in
                abandonedNames.contains(state.name) || (state.labels["crank.release"].map(abandoned.contains) ?? false)
            }
            let matching = states.filter { state in
                // Renamed by `crank reload`: the live release's container with an earlier label.
                if state.name == containerName(deployment.name, release: live.id) { return true }
                guard !isStray(state), let release = state.labels["crank.release"] else { return false }
                return releases.first { $0.id == release }?.deployments.first { $0.name == deployment.name }?.specHash == deployment.specHash
            }
            let strays = states.filter(isStray)
            if let keep = matching.first(where: \.running) ?? matching.first {
                // recreate: the stray publishes the port, so it stops first; blue-green: the
                // proxy moves back before the stray stops.
                let blueGreen = settings?.strategy == .blueGreen
                do throws(ContainerEngine.Failure) {
                    if !blueGreen { for stray in strays where stray.running { try engine.stop(stray.name, grace: grace) } }
                    if !keep.running { try engine.startExisting(keep.name) }
                } catch {
                    results.append(DeploymentResult(name: deployment.name, action: "restore", outcome: "failed", detail: error.output))
                    continue
                }
                if let problem = ensureRoute(deployment, state: keep) {
                    results.append(DeploymentResult(name: deployment.name, action: "restore", outcome: "failed", detail: problem))
                    continue
                }
                for stray in strays {
                    if blueGreen && stray.running { try? engine.stop(stray.name, grace: grace) }
                    engine.remove(stray.name)
                }
                if !keep.running || !strays.isEmpty {
                    results.append(DeploymentResult(name: deployment.name, action: "restore", outcome: "restored \(live.id)", detail: keep.name))
                }
            } else {
                let applied = await replace(deployment, release: live.id)
                results.append(DeploymentResult(name: deployment.name, action: "restore", outcome: applied.failure == nil ? "restored \(live.id)" : "restore failed",
                                                detail: applied.result.detail))
            }
        }
        return results
    }
}
