/// What a deploy to hosts changes, placement by placement (deployment × host): the engines on
/// hosts (processes and containers) share it; only how they tell whether a host runs a
/// deployment's spec differs.
struct PlacementPlan {
    typealias Placement = HostReleaseEngine.Placement

    var wanted: [Placement]
    /// Deployments created or updated against the live release.
    var changed: Set<String>
    /// Changed placements, and those whose host does not run the wanted spec.
    var toStart: [Placement]
    /// Placements of the live release that are no longer wanted.
    var toStop: [Placement]

    var isEmpty: Bool { toStart.isEmpty && toStop.isEmpty }

    /// `runsSpec`: whether the placement's host runs its deployment's spec now.
    static func compute(environment: String, desired: [RenderedDeployment], live: ReleaseRecord?,
                        runsSpec: (Placement) -> Bool) -> PlacementPlan {
        let wanted = HostReleaseEngine.placements(desired)
        let diff = PlanDiff.compute(environment: environment, desired: desired, live: live.map { ($0.id, $0.deployments) })
        let changed = Set(diff.deployments.filter { $0.action == .create || $0.action == .update }.map(\.name))
        let wantedKeys = Set(wanted.map(\.key))
        return PlacementPlan(wanted: wanted, changed: changed,
                             toStart: wanted.filter { changed.contains($0.deployment.name) || !runsSpec($0) },
                             toStop: HostReleaseEngine.placements(live?.deployments ?? []).filter { !wantedKeys.contains($0.key) })
    }

    /// The outcome of a deploy that has nothing to do.
    func unchanged(environment: String, live: ReleaseRecord?) -> ReleaseOutcome {
        ReleaseOutcome(environment: environment, release: live?.id, status: "unchanged",
                       deployments: wanted.map { DeploymentResult(name: $0.deployment.name, action: "unchanged", outcome: "running", detail: $0.host.name) },
                       failure: nil)
    }

    /// The wanted placements this deploy left as they were.
    var untouched: [DeploymentResult] {
        wanted.filter { placement in !toStart.contains { $0.key == placement.key } }
            .map { DeploymentResult(name: $0.deployment.name, action: "unchanged", outcome: "running", detail: $0.host.name) }
    }
}
