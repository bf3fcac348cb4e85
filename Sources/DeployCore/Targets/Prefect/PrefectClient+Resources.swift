/// Work pools, deployments and flow runs.
extension PrefectClient {
    /// `GET /work_pools/{name}`, or nil when there is none.
    public func workPool(named name: String) async throws(Failure) -> JSONValue? {
        try await optional("GET", "work_pools/\(name)")
    }

    /// `POST /work_pools/` with the pool's type (`process`, `docker`, …).
    public func createWorkPool(named name: String, type: String) async throws(Failure) {
        _ = try await send("POST", "work_pools/", body: .object(["name": .string(name), "type": .string(type)]))
    }

    /// Every deployment carrying all of `tags` (`POST /deployments/filter`, paged).
    public func deployments(taggedWithAll tags: [String]) async throws(Failure) -> [JSONValue] {
        var all: [JSONValue] = []
        while true {
            let body: JSONValue = .object([
                "deployments": .object(["tags": .object(["all_": .array(tags.map(JSONValue.string))])]),
                "sort": .string("NAME_ASC"), "limit": .int(200), "offset": .int(all.count),
            ])
            guard case .array(let page) = try await send("POST", "deployments/filter", body: body) else { throw .unreadable("deployment filter: not a list") }
            all += page
            if page.count < 200 { return all }
        }
    }

    /// `DELETE /deployments/{id}`; a deployment already gone is not an error.
    public func deleteDeployment(id: String) async throws(Failure) {
        _ = try await optional("DELETE", "deployments/\(id)")
    }

    /// Pauses (`stop`) or resumes (`start`) a deployment's schedules.
    public func setPaused(_ paused: Bool, deployment id: String) async throws(Failure) {
        _ = try await send("POST", "deployments/\(id)/\(paused ? "pause_deployment" : "resume_deployment")", body: nil)
    }

    /// `POST /deployments/{id}/create_flow_run`; returns the flow run's id.
    public func createFlowRun(deployment id: String, parameters: [String: JSONValue], tags: [String]) async throws(Failure) -> String {
        let body: JSONValue = .object(["parameters": .object(parameters), "tags": .array(tags.map(JSONValue.string))])
        return try await identifier(of: send("POST", "deployments/\(id)/create_flow_run", body: body), what: "flow run")
    }

    /// `GET /flow_runs/{id}`.
    public func flowRun(id: String) async throws(Failure) -> JSONValue {
        try await send("GET", "flow_runs/\(id)", body: nil)
    }

    /// `DELETE /flow_runs/{id}` (a smoke run cancelled by a timeout is left; this cleans tests).
    func optional(_ method: String, _ path: String, body: JSONValue? = nil) async throws(Failure) -> JSONValue? {
        do {
            return try await send(method, path, body: body)
        } catch .status(404, _) {
            return nil
        }
    }

    func identifier(of response: JSONValue, what: String) throws(Failure) -> String {
        guard case .object(let object) = response, case .string(let id)? = object["id"] else { throw .unreadable("\(what) without id") }
        return id
    }
}

/// Variables, artifacts and Secret blocks: where crank keeps its lock, live pointer,
/// release history and audit log in the server, and the values of secrets flows need.
extension PrefectClient {
    public func variable(named name: String) async throws(Failure) -> JSONValue? {
        guard case .object(let object)? = try await optional("GET", "variables/name/\(name)") else { return nil }
        return object["value"]
    }

    /// Creates a variable; `.status(409, …)` when it exists (what makes it a lock).
    public func createVariable(named name: String, value: JSONValue) async throws(Failure) {
        _ = try await send("POST", "variables/", body: .object(["name": .string(name), "value": value, "tags": .array([.string("crank")])]))
    }

    /// Sets a variable, creating it when missing.
    public func setVariable(named name: String, value: JSONValue) async throws(Failure) {
        if try await optional("PATCH", "variables/name/\(name)", body: .object(["value": value])) == nil {
            try await createVariable(named: name, value: value)
        }
    }

    /// Deletes a variable; true when it existed.
    @discardableResult
    public func deleteVariable(named name: String) async throws(Failure) -> Bool {
        try await optional("DELETE", "variables/name/\(name)") != nil
    }

    /// A new version of the artifact `key` (an artifact's versions are its history).
    public func createArtifact(key: String, type: String, description: String, data: JSONValue) async throws(Failure) {
        _ = try await send("POST", "artifacts/", body: .object([
            "key": .string(key), "type": .string(type), "description": .string(description), "data": data,
        ]))
    }

    /// The latest version of every artifact whose key starts with `prefix`.
    public func latestArtifacts(keyPrefix prefix: String, type: String) async throws(Failure) -> [JSONValue] {
        try await pagedArtifacts("artifacts/latest/filter", sort: "KEY_ASC", filter: ["key": .object(["like_": .string(prefix)]), "type": .object(["any_": .array([.string(type)])])])
    }

    /// Every version of the artifact `key`, oldest first.
    public func artifactVersions(key: String) async throws(Failure) -> [JSONValue] {
        try await pagedArtifacts("artifacts/filter", sort: "CREATED_DESC", filter: ["key": .object(["any_": .array([.string(key)])])]).reversed()
    }

    func pagedArtifacts(_ path: String, sort: String, filter: [String: JSONValue]) async throws(Failure) -> [JSONValue] {
        var all: [JSONValue] = []
        while true {
            let body: JSONValue = .object(["artifacts": .object(filter), "sort": .string(sort), "limit": .int(200), "offset": .int(all.count)])
            guard case .array(let page) = try await send("POST", path, body: body) else { throw .unreadable("artifact filter: not a list") }
            all += page
            if page.count < 200 { return all }
        }
    }

    /// Creates or updates the Secret block `name` (Prefect's own place for secret values).
    public func upsertSecretBlock(named name: String, value: String) async throws(Failure) {
        let data: JSONValue = .object(["value": .string(value)])
        if case .object(let existing)? = try await optional("GET", "block_types/slug/secret/block_documents/name/\(name)"),
           case .string(let id)? = existing["id"] {
            _ = try await send("PATCH", "block_documents/\(id)", body: .object(["data": data, "merge_existing_data": .bool(false)]))
            return
        }
        let type = try await identifier(of: send("GET", "block_types/slug/secret", body: nil), what: "block type")
        let schemas = try await send("POST", "block_schemas/filter", body: .object([
            "block_schemas": .object(["block_type_id": .object(["any_": .array([.string(type)])])]), "limit": .int(1),
        ]))
        guard case .array(let list) = schemas, let schema = list.first else { throw .unreadable("no schema for the Secret block type") }
        _ = try await send("POST", "block_documents/", body: .object([
            "name": .string(name), "block_type_id": .string(type),
            "block_schema_id": .string(try identifier(of: schema, what: "block schema")), "data": data,
        ]))
    }
}
