import Foundation

/// `target: swarm`: every deployment is a Docker Swarm service of the stack `<project>-<env>`,
/// applied with `docker stack deploy` from the same stack file `crank build` writes. A deploy
/// applies only the services whose spec changed, waits until every replica runs the new spec
/// (Swarm's HEALTHCHECK included), gates the published port, and on any failure re-applies the
/// previous release's spec to every service it changed.
public struct SwarmReleaseEngine: ReleaseTarget {
    public typealias Failure = ReleaseEngine.Failure

    public let effective: EffectiveConfig
    public let store: any StateStore
    public let swarm: SwarmCLI
    /// The engine that builds images (podman or docker, as for `target: container`).
    public let builder: ContainerEngine
    public let gate: HealthGate
    public let secrets: SecretStore
    /// Recreates a kept release's secret only when the current value has the same fingerprint.
    public var fingerprint: SecretFingerprint?
    /// crank's nginx for `publish: proxy` services (nil: none on this node).
    public var proxy: NginxProxy?
    public var progress: (@Sendable (DeploymentResult) -> Void)?
    /// Where published ports are health-checked: loopback for a local engine, else the manager's address.
    public var address = "127.0.0.1"
    /// Seconds allowed for a service to converge, on top of its health timeout and rollout time.
    public var convergeSlack: TimeInterval = 60

    public init(effective: EffectiveConfig, store: any StateStore, swarm: SwarmCLI, builder: ContainerEngine, gate: HealthGate, secrets: SecretStore) {
        self.effective = effective
        self.store = store
        self.swarm = swarm
        self.builder = builder
        self.gate = gate
        self.secrets = secrets
    }

    var environment: String { effective.environment ?? "" }
    var project: String { effective.config.project }
    var settings: SwarmSettings { effective.config.environment(environment)?.swarm ?? SwarmSettings() }
    var ledger: ReleaseLedger { ReleaseLedger(store: store, environment: environment) }
    var stack: String { SwarmService.stackName(project: project, environment: environment) }
    var labels: [String: String] { ["crank.project": project, "crank.environment": environment] }
    func serviceName(_ deployment: String) -> String { "\(stack)_\(deployment)" }

    /// The gate's address for a Docker host: the host of tcp:// and ssh:// URLs, else loopback.
    public static func gateAddress(dockerHost: String?) -> String {
        guard let host = dockerHost, let url = URL(string: host), ["tcp", "ssh", "http", "https"].contains(url.scheme ?? ""),
              let name = url.host, !name.isEmpty else { return "127.0.0.1" }
        return name
    }

    public func plan(_ manifest: BuildManifest) async throws(Failure) -> PlanDiff {
        try await ledger.plan(manifest)
    }

    struct Applied: Sendable {
        var result: DeploymentResult
        var failure: HealthFailure?
    }

    static func failed(_ name: String, action: String, check: String, observed: String, threshold: String) -> Applied {
        Applied(result: DeploymentResult(name: name, action: action, outcome: "failed", detail: observed),
                failure: HealthFailure(deployment: name, check: check, observed: observed, threshold: threshold))
    }

    public func deploy(_ manifest: BuildManifest, options: DeployOptions) async throws(Failure) -> ReleaseOutcome {
        var desired = manifest.entries.map(\.deployment)
        let known = desired.map(\.name)
        for name in options.only where !known.contains(name) { throw .unknownDeployment(name, known: known) }
        for deployment in desired where deployment.kind != .container || deployment.role != .service {
            throw .unsupported(deployment: deployment.name, reason: deployment.role == .flow
                ? "a flow is registered with Prefect (a `target: prefect` environment), not run as a Swarm service"
                : "a swarm environment runs `kind: container` deployments; set `kind: container` for it in this environment's overlay")
        }
        do throws(SwarmCLI.Failure) { try swarm.checkManager() } catch { throw .state("the swarm does not answer: \(error.output)") }
        let (releases, live) = try await ledger.history()
        if !options.only.isEmpty {
            desired = desired.filter { options.only.contains($0.name) } + (live?.deployments ?? []).filter { !options.only.contains($0.name) }
        }
        let diff = PlanDiff.compute(environment: environment, desired: desired, live: live.map { ($0.id, $0.deployments) })
        let changed = Set(diff.deployments.filter { $0.action == .create || $0.action == .update }.map(\.name))
        let removed = diff.deployments.filter { $0.action == .delete }.map(\.name)
        // An unchanged deployment whose service is gone (removed by hand) is applied again.
        let missing = Set(desired.filter { !changed.contains($0.name) && ((try? swarm.service(serviceName($0.name))) ?? nil) == nil }.map(\.name))
        let toApply = desired.filter { changed.contains($0.name) || missing.contains($0.name) }
        guard !toApply.isEmpty || !removed.isEmpty else {
            return ReleaseOutcome(environment: environment, release: live?.id, status: "unchanged",
                                  deployments: desired.map { DeploymentResult(name: $0.name, action: "unchanged", outcome: "running") }, failure: nil)
        }
        // With --only, the others are recorded as the live release has them (not as this build would).
        var recorded = manifest
        if !options.only.isEmpty { recorded.entries = manifest.entries.filter { options.only.contains($0.deployment.name) } }
        let record = try await ledger.open(after: releases, manifest: recorded, desired: desired, reason: options.reason)
        let prepared = await prepare(toApply, manifest: manifest, release: record.id, jobs: options.jobs)
        if let failure = prepared.results.compactMap(\.failure).first {
            await ledger.fail(record, failure)
            return ReleaseOutcome(environment: environment, release: record.id, status: "failed", deployments: prepared.results.map(\.result), failure: failure)
        }
        let results = await apply(prepared.services, release: record.id, action: "update")
        if let failure = results.compactMap(\.failure).first {
            var outcomes = results.map(\.result)
            if options.rollbackOnFailure { outcomes += await restore(toApply.map(\.name), previous: live) }
            await ledger.fail(record, failure)
            return ReleaseOutcome(environment: environment, release: record.id, status: "failed", deployments: outcomes, failure: failure)
        }
        var outcomes = results.map(\.result)
        for name in removed {
            let gone = (try? swarm.removeService(serviceName(name))) != nil
            outcomes.append(DeploymentResult(name: name, action: "delete", outcome: gone ? "removed" : "failed"))
        }
        try await ledger.promote(record, previous: live, previousBecomes: .superseded)
        outcomes += desired.filter { !changed.contains($0.name) && !missing.contains($0.name) }
            .map { DeploymentResult(name: $0.name, action: "unchanged", outcome: "running") }
        return ReleaseOutcome(environment: environment, release: record.id, status: "live", deployments: outcomes, failure: nil)
    }
}
