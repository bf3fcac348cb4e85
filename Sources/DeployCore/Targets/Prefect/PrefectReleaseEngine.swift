import Foundation

/// `target: prefect`: flow deployments registered in a Prefect server over its REST API,
/// gated on `smoke:` flow runs, restored to the previous release on failure; history and
/// lock live in the server (`PrefectStateStore`, `PrefectLock`).
public struct PrefectReleaseEngine: ReleaseTarget {
    public typealias Failure = ReleaseEngine.Failure

    public let effective: EffectiveConfig
    public let store: any StateStore
    public var client: PrefectClient
    public let secrets: SecretStore
    public var progress: (@Sendable (DeploymentResult) -> Void)?
    /// Seconds between polls of a smoke run's state.
    public var smokePoll = 1.0

    public init(effective: EffectiveConfig, store: any StateStore, client: PrefectClient, secrets: SecretStore) {
        self.effective = effective
        self.store = store
        self.client = client
        self.secrets = secrets
    }

    var environment: String { effective.environment ?? "" }
    var project: String { effective.config.project }
    var environmentTags: [String] { PrefectNames.tags(project: project, environment: environment) }

    /// crank's deployments of this environment in the server now, by config key: a server
    /// deployment is known by its flow and Prefect name (`PrefectServerKeys`).
    func serverDeployments(knowing known: [RenderedDeployment] = []) async throws(Failure) -> [String: JSONValue] {
        let list = try await prefect { () throws(PrefectClient.Failure) in try await client.deployments(taggedWithAll: environmentTags) }
        let flowNames = PrefectServerKeys.flowNamesNeeded(known)
        let flowIDs = flowNames.isEmpty ? [:] : try await prefect { () throws(PrefectClient.Failure) in try await client.flowIDs(named: flowNames) }
        return PrefectServerKeys.keyed(list, known: known, flowIDs: flowIDs)
    }

    var ledger: ReleaseLedger { ReleaseLedger(store: store, environment: environment) }

    func history() async throws(Failure) -> (releases: [ReleaseRecord], live: ReleaseRecord?) {
        try await ledger.history()
    }

    func prefect<T>(_ body: () async throws(PrefectClient.Failure) -> T) async throws(Failure) -> T {
        do { return try await body() } catch { throw .prefect(error) }
    }

    /// The desired deployments against what the server has now: a hand edit is drift.
    public func plan(_ manifest: BuildManifest) async throws(Failure) -> PlanDiff {
        let live = try await history().live
        let desired = manifest.entries.map(\.deployment)
        let server = try await serverDeployments(knowing: desired + (live?.deployments ?? []))
        // Secret values live in Secret blocks: a rotation shows through the fingerprints the
        // live release recorded ("(changed)", never a value).
        let recorded = Dictionary((live?.deployments ?? []).map { ($0.name, $0.spec["secret_fingerprints"] ?? .object([:])) }, uniquingKeysWith: { first, _ in first })
        let fixesVersion = Set(desired.filter { $0.spec["prefect_version"] != nil }.map(\.name))
        let observed = server.map { name, value in
            var spec = PrefectDeploymentBody.observed(value, withVersion: fixesVersion.contains(name))
            spec["secret_fingerprints"] = recorded[name] ?? .object([:])
            return RenderedDeployment(name: name, kind: Self.kind(of: value), role: .flow, target: .prefect, spec: spec)
        }
        let wanted = desired.map { deployment in
            var spec = PrefectDeploymentBody.desired(deployment)
            spec["secret_fingerprints"] = deployment.spec["secret_fingerprints"] ?? .object([:])
            return RenderedDeployment(name: deployment.name, kind: deployment.kind, role: deployment.role, target: .prefect, spec: spec)
        }
        var diff = PlanDiff.compute(environment: environment, desired: wanted, live: ("", observed))
        diff.liveRelease = live?.id
        diff.comparedWith = "the Prefect server at \(client.apiURL.absoluteString)"
        return diff
    }

    static func kind(of server: JSONValue) -> DeploymentKind {
        if case .object(let object) = server, case .object(let variables)? = object["job_variables"], variables["image"] != nil { return .container }
        return .python
    }

    public func deploy(_ manifest: BuildManifest, options: DeployOptions) async throws(Failure) -> ReleaseOutcome {
        var desired = manifest.entries.map(\.deployment)
        let known = desired.map(\.name)
        for name in options.only where !known.contains(name) { throw .unknownDeployment(name, known: known) }
        for deployment in desired where deployment.role != .flow {
            throw .unsupported(deployment: deployment.name, reason: "Prefect runs flows, not long-running services")
        }
        let (releases, live) = try await history()
        if !options.only.isEmpty {
            desired = desired.filter { options.only.contains($0.name) } + (live?.deployments ?? []).filter { !options.only.contains($0.name) }
        }
        let server = try await serverDeployments(knowing: desired + (live?.deployments ?? []))
        let changed = desired.filter { deployment in
            guard let current = server[deployment.name] else { return true }
            let rotated = (deployment.spec["secret_fingerprints"] ?? .object([:]))
                != (live?.deployments.first { $0.name == deployment.name }?.spec["secret_fingerprints"] ?? .object([:]))
            return rotated || !PrefectDeploymentBody.differences(PrefectDeploymentBody.desired(deployment),
                                                                          PrefectDeploymentBody.observed(current, withVersion: deployment.spec["prefect_version"] != nil)).isEmpty
        }
        let desiredNames = Set(desired.map(\.name))
        let orphans = server.keys.filter { !desiredNames.contains($0) }.sorted()
        let unchanged = desired.filter { deployment in !changed.contains { $0.name == deployment.name } }
            .map { DeploymentResult(name: $0.name, action: "unchanged", outcome: "registered") }
        guard !changed.isEmpty || (options.prune && !orphans.isEmpty) else {
            return ReleaseOutcome(environment: environment, release: live?.id, status: "unchanged",
                                  deployments: unchanged + orphanResults(orphans), failure: nil)
        }
        try await ensurePools(for: changed, create: options.createPools)
        let release = try await ledger.open(after: releases, manifest: manifest, desired: desired, reason: options.reason)
        let id = release.id
        try await uploadSecrets(for: changed)
        var results = await register(changed, version: id, jobs: options.jobs)
        var failure = results.compactMap(\.failure).first
        if failure == nil {
            let smoked = await smoke(changed, results: results, jobs: options.jobs)
            results = smoked
            failure = smoked.compactMap(\.failure).first
        }
        if let failure {
            var outcomes = results.map(\.result)
            if options.rollbackOnFailure { outcomes = await restore(changed.map(\.name), previous: live, server: server, results: results) }
            await ledger.fail(release, failure)
            return ReleaseOutcome(environment: environment, release: id, status: "failed", deployments: outcomes + unchanged, failure: failure)
        }
        var pruned: [DeploymentResult] = []
        if options.prune {
            pruned = await delete(orphans.compactMap { name in Self.identifier(server[name]).map { (name, $0) } }, action: "prune")
        }
        try await ledger.promote(release, previous: live, previousBecomes: .superseded)
        return ReleaseOutcome(environment: environment, release: id, status: "live",
                              deployments: results.map(\.result) + unchanged + (options.prune ? pruned : orphanResults(orphans)), failure: nil)
    }

    func orphanResults(_ names: [String]) -> [DeploymentResult] {
        names.map { DeploymentResult(name: $0, action: "orphaned", outcome: "kept", detail: "not in config; `crank deploy --prune` deletes it") }
    }

    static func identifier(_ value: JSONValue?) -> String? {
        if case .object(let object)? = value, case .string(let id)? = object["id"] { return id }
        return nil
    }

    /// Every work pool the deployments name must exist; `create` makes missing ones.
    func ensurePools(for deployments: [RenderedDeployment], create: Bool) async throws(Failure) {
        var wanted: [String: String] = [:]
        for deployment in deployments {
            if case .string(let pool)? = deployment.spec["work_pool"] { wanted[pool] = deployment.kind == .container ? "docker" : "process" }
        }
        for (pool, type) in wanted.sorted(by: { $0.key < $1.key }) {
            guard try await prefect({ () throws(PrefectClient.Failure) in try await client.workPool(named: pool) }) == nil else { continue }
            guard create else { throw .missingWorkPool(name: pool, type: type) }
            do {
                try await client.createWorkPool(named: pool, type: type)
            } catch .status(409, _) {
                continue  // created meanwhile by someone else
            } catch {
                throw .prefect(error)
            }
        }
    }

    /// Secret values go to Prefect Secret blocks the deployments reference; never into a deployment.
    func uploadSecrets(for deployments: [RenderedDeployment]) async throws(Failure) {
        for name in Set(deployments.flatMap(\.secretNames)).sorted() {
            guard let value = secrets.value(name) else { throw .state("secret \(name) has no value") }
            let block = PrefectRendering.secretBlock(name, project: project, environment: environment)
            try await prefect { () throws(PrefectClient.Failure) in try await client.upsertSecretBlock(named: block, value: value) }
        }
    }

    struct Applied: Sendable {
        var result: DeploymentResult
        var failure: HealthFailure?
        var deploymentID: String?
    }

    /// Registers deployments with at most `jobs` requests in flight.
    func register(_ deployments: [RenderedDeployment], version: String, jobs: Int) async -> [Applied] {
        let names = deployments.compactMap { if case .string(let flow)? = $0.spec["flow_name"] { return flow } else { return nil } }
        let known = (try? await client.flowIDs(named: names)) ?? [:]  // missing ones are created one by one
        let gate = AdaptiveGate(limit: jobs)
        var engine = self
        engine.client.onBusy = { Task { await gate.serverBusy() } }
        return await boundedConcurrency(deployments, jobs: jobs) { [engine] deployment in
            let applied = await gate.run { await engine.registerOne(deployment, version: version, knownFlows: known) }
            self.progress?(applied.result)
            return applied
        }
    }

    func registerOne(_ deployment: RenderedDeployment, version: String, knownFlows: [String: String] = [:]) async -> Applied {
        do throws(PrefectClient.Failure) {
            guard case .string(let flow)? = deployment.spec["flow_name"] else { throw .unreadable("no flow name in the rendered spec") }
            let flowID: String
            if let known = knownFlows[flow] { flowID = known } else { flowID = try await client.ensureFlow(named: flow) }
            let body = PrefectDeploymentBody.request(deployment, flowID: flowID, version: version)
            let id = try await client.upsertDeployment(body)
            var registered = version
            if case .string(let fixed)? = body["version"] { registered = fixed }
            return Applied(result: DeploymentResult(name: deployment.name, action: "register", outcome: "registered",
                                                    detail: "\(flow)/\(PrefectServerKeys.prefectName(deployment)) \(registered)"),
                           failure: nil, deploymentID: id)
        } catch {
            let detail = PrefectFailureText.describe(error)
            return Applied(result: DeploymentResult(name: deployment.name, action: "register", outcome: "failed", detail: detail),
                           failure: HealthFailure(deployment: deployment.name, check: "register", observed: detail, threshold: "the server accepts the deployment"))
        }
    }

    /// Runs each registered deployment's `smoke:` flow run; waits for all of them.
    func smoke(_ deployments: [RenderedDeployment], results: [Applied], jobs: Int) async -> [Applied] {
        let pairs = zip(deployments, results).map { ($0, $1) }
        return await boundedConcurrency(pairs, jobs: max(jobs, pairs.count)) { pair in
            let (deployment, applied) = pair
            guard case .object(let smoke)? = deployment.spec["smoke"], let id = applied.deploymentID else { return applied }
            let parameters: [String: JSONValue]
            if case .object(let values)? = smoke["parameters"] { parameters = values } else { parameters = [:] }
            let timeout: Int
            if case .int(let seconds)? = smoke["timeout"] { timeout = seconds } else { timeout = 600 }
            var result = applied
            do throws(PrefectClient.Failure) {
                let run = try await SmokeRun.run(client, deployment: deployment.name, id: id, parameters: parameters, timeout: Double(timeout), poll: smokePoll)
                result.failure = run.failure(timeout: timeout)
                result.result.outcome = run.passed ? "registered, smoke passed" : "smoke failed"
                result.result.detail = "flow run \(run.flowRunID ?? "-") \(run.state) in \(String(format: "%.1f", run.seconds))s"
            } catch {
                result.failure = HealthFailure(deployment: deployment.name, check: "smoke", observed: PrefectFailureText.describe(error), threshold: "COMPLETED within \(timeout)s")
                result.result.outcome = "smoke failed"
            }
            progress?(result.result)
            return result
        }
    }

    /// After a failure: what this deploy registered goes back to the previous release (or away).
    func restore(_ names: [String], previous: ReleaseRecord?, server: [String: JSONValue], results applied: [Applied]) async -> [DeploymentResult] {
        var outcomes: [DeploymentResult] = []
        let results = applied.map(\.result)
        var registered: [String: String] = [:]
        for item in applied { if let id = item.deploymentID { registered[item.result.name] = id } }
        for name in names {
            let original = results.first { $0.name == name }
            if let previous, let old = previous.deployments.first(where: { $0.name == name }) {
                let restored = await registerOne(old, version: previous.id)
                outcomes.append(DeploymentResult(name: name, action: "rollback", outcome: restored.failure == nil ? "restored \(previous.id)" : "restore failed",
                                                 detail: [original?.detail, restored.failure?.observed].compactMap { $0 }.joined(separator: "; ")))
            } else if server[name] == nil {
                // It did not exist before this deploy: remove what was registered.
                if let id = registered[name] { try? await client.deleteDeployment(id: id) }
                outcomes.append(DeploymentResult(name: name, action: "rollback", outcome: original?.outcome == "failed" ? "failed, removed" : "removed", detail: original?.detail))
            } else {
                outcomes.append(DeploymentResult(name: name, action: "rollback", outcome: "left as registered", detail: "no earlier release records it"))
            }
        }
        return outcomes
    }

    func delete(_ deployments: [(name: String, id: String)], action: String) async -> [DeploymentResult] {
        await boundedConcurrency(deployments, jobs: 8) { item in
            do throws(PrefectClient.Failure) {
                try await client.deleteDeployment(id: item.id)
                return DeploymentResult(name: item.name, action: action, outcome: "deleted")
            } catch {
                return DeploymentResult(name: item.name, action: action, outcome: "failed", detail: PrefectFailureText.describe(error))
            }
        }
    }

}

extension RenderedDeployment {
    /// The names in the spec's `secrets` (never values).
    var secretNames: [String] {
        guard case .array(let names)? = spec["secrets"] else { return [] }
        return names.compactMap { if case .string(let name) = $0 { return name } else { return nil } }
    }
}

/// One line for a Prefect failure (the server's `detail` included).
public enum PrefectFailureText {
    public static func describe(_ failure: PrefectClient.Failure) -> String {
        switch failure {
        case .unreachable(let reason): return "Prefect API unreachable: \(reason)"
        case .timedOut(let reason): return "Prefect API timed out: \(reason)"
        case .status(let code, let detail): return "Prefect API answered \(code): \(detail)"
        case .unreadable(let reason): return "unexpected answer from the Prefect API: \(reason)"
        }
    }
}
