import Foundation

extension PrefectReleaseEngine {
    /// Re-registers a recorded release's deployments (as that release's version), deletes
    /// crank's deployments it does not have, and gates on `smoke:` runs like a deploy.
    public func rollback(to requested: String?) async throws(Failure) -> ReleaseOutcome {
        let (releases, live) = try await history()
        let target = try ReleaseLedger.rollbackTarget(releases, live: live, requested: requested)
        let server = try await serverDeployments(knowing: target.deployments + (live?.deployments ?? []))
        let wanted = target.deployments
        try await ensurePools(for: wanted, create: false)
        try await uploadSecrets(for: wanted)
        var results = await register(wanted, version: target.id, jobs: 4)
        if results.allSatisfy({ $0.failure == nil }) { results = await smoke(wanted, results: results, jobs: 4) }
        if let failure = results.compactMap(\.failure).first {
            var outcomes = results.map(\.result)
            if let live { outcomes += await register(live.deployments, version: live.id, jobs: 4).map(\.result) }
            return ReleaseOutcome(environment: environment, release: target.id, status: "failed", deployments: outcomes, failure: failure)
        }
        let names = Set(wanted.map(\.name))
        let removed = await delete(server.filter { !names.contains($0.key) }.compactMap { name, value in Self.identifier(value).map { (name, $0) } }, action: "delete")
        try await ledger.promote(target, previous: live, previousBecomes: .rolledBack)
        return ReleaseOutcome(environment: environment, release: target.id, status: "rolled-back", deployments: results.map(\.result) + removed, failure: nil)
    }

    /// Per deployment: active or paused, whether a worker polls its pool, and drift
    /// between the live release and what the server has now.
    public func status() async throws(Failure) -> EnvironmentStatus {
        let live = try await history().live
        let server = try await serverDeployments(knowing: live?.deployments ?? [])
        let recorded = Dictionary((live?.deployments ?? []).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let statuses = Set(recorded.keys).union(server.keys).sorted().map { name -> DeploymentStatus in
            guard case .object(let object)? = server[name] else {
                return DeploymentStatus(name: name, state: "missing", drift: "not in the Prefect server")
            }
            var drift: String?
            if let spec = recorded[name] {
                let fields = PrefectDeploymentBody.differences(PrefectDeploymentBody.desired(spec),
                                                               PrefectDeploymentBody.observed(server[name]!, withVersion: spec.spec["prefect_version"] != nil))
                if !fields.isEmpty { drift = "changed in the server: \(fields.joined(separator: ", "))" }
            } else {
                drift = "not in the live release"
            }
            let ready = object["status"] == .string("READY")
            return DeploymentStatus(name: name, state: object["paused"] == .bool(true) ? "paused" : "active",
                                    health: ready ? "worker ready" : "no worker polling", drift: drift)
        }
        return EnvironmentStatus(environment: environment, live: live?.id, deployments: statuses)
    }

    /// `stop` pauses a deployment's schedules, `start` resumes them.
    public func lifecycle(_ action: String, names: [String]) async throws(Failure) -> [DeploymentResult] {
        guard action != "restart" else {
            throw .unsupportedAction("restart", reason: "a Prefect deployment has no process to restart; `crank stop` pauses its schedules and `crank start` resumes them")
        }
        guard let live = try await history().live else { throw .notDeployed }
        let known = live.deployments.map(\.name)
        for name in names where !known.contains(name) { throw .unknownDeployment(name, known: known) }
        let server = try await serverDeployments(knowing: live.deployments)
        let paused = action == "stop"
        return await boundedConcurrency(names.sorted(), jobs: 8) { name in
            guard let id = Self.identifier(server[name]) else {
                return DeploymentResult(name: name, action: action, outcome: "failed", detail: "not in the Prefect server; `crank deploy` registers it")
            }
            do throws(PrefectClient.Failure) {
                try await client.setPaused(paused, deployment: id)
                return DeploymentResult(name: name, action: action, outcome: paused ? "paused" : "resumed")
            } catch {
                return DeploymentResult(name: name, action: action, outcome: "failed", detail: PrefectFailureText.describe(error))
            }
        }
    }

    /// Deletes crank's deployments of this environment from the server; nothing is live afterwards.
    public func clean() async throws(Failure) -> [DeploymentResult] {
        let server = try await serverDeployments(knowing: (try? await history())?.live?.deployments ?? [])
        let results = await delete(server.sorted { $0.key < $1.key }.compactMap { name, value in Self.identifier(value).map { (name, $0) } }, action: "delete")
        // Something left in the server: it stays live, and the caller reports what failed.
        guard !results.contains(where: { $0.outcome == "failed" }) else { return results }
        try await ledger.clear()
        return results
    }
}

extension PrefectReleaseEngine {
    /// `crank smoke`: a flow run of each named deployment, waited for. Parameters default to
    /// the deployment's `smoke:` parameters in the live release, else the deployment's own.
    public func smoke(_ names: [String], parameters: [String: JSONValue]?, timeout: Double?) async throws(Failure) -> [SmokeRun] {
        let live = try await history().live
        let server = try await serverDeployments(knowing: live?.deployments ?? [])
        for name in names where server[name] == nil { throw .unknownDeployment(name, known: server.keys.sorted()) }
        do {
            var runs: [SmokeRun] = []
            try await withThrowingTaskGroup(of: SmokeRun.self) { group in
                for name in names {
                    var declared: [String: JSONValue] = [:]
                    var seconds = 600.0
                    if case .object(let smoke)? = live?.deployments.first(where: { $0.name == name })?.spec["smoke"] {
                        if case .object(let values)? = smoke["parameters"] { declared = values }
                        if case .int(let value)? = smoke["timeout"] { seconds = Double(value) }
                    }
                    let id = Self.identifier(server[name]) ?? ""
                    let wanted = parameters ?? declared
                    let limit = timeout ?? seconds
                    group.addTask { try await SmokeRun.run(client, deployment: name, id: id, parameters: wanted, timeout: limit, poll: smokePoll) }
                }
                for try await run in group { runs.append(run) }
            }
            return runs.sorted { $0.deployment < $1.deployment }
        } catch let failure as PrefectClient.Failure {
            throw .prefect(failure)
        } catch {
            throw .state("\(error)")
        }
    }
}
