/// A flow deployment as the Prefect server keeps it: the request crank sends
/// (`POST /deployments/`, every field so nothing stale survives) and the comparable
/// projection of both the desired spec and what the server has now (for drift).
public enum PrefectDeploymentBody {
    /// The fields compared for drift (the version is the release id and is not, unless the
    /// deployment fixes its own `version:`).
    static let compared = [
        "description", "entrypoint", "parameters", "parameter_openapi_schema", "enforce_parameter_schema", "tags",
        "work_pool_name", "work_queue_name", "job_variables", "schedules", "pull_steps",
    ]

    /// The projection of a rendered flow deployment; with `version` only when the deployment fixes
    /// its own (otherwise the version is the release that registered it, and not compared).
    public static func desired(_ deployment: RenderedDeployment) -> [String: JSONValue] {
        let spec = deployment.spec
        var schedules: [JSONValue] = []
        if case .object(let schedule)? = spec["schedule"] { schedules.append(normalized(schedule, active: true)) }
        var projection = projectionFields(spec, schedules: schedules)
        if let fixed = spec["prefect_version"] { projection["version"] = fixed }
        return projection
    }

    static func projectionFields(_ spec: [String: JSONValue], schedules: [JSONValue]) -> [String: JSONValue] {
        [
            "description": spec["description"] ?? .null,
            "entrypoint": spec["entrypoint"] ?? .null,
            "parameters": spec["parameters"] ?? .object([:]),
            "parameter_openapi_schema": spec["parameter_openapi_schema"] ?? .object([:]),
            "enforce_parameter_schema": spec["enforce_parameter_schema"] ?? .bool(true),
            "tags": spec["tags"] ?? .array([]),
            "work_pool_name": spec["work_pool"] ?? .null,
            "work_queue_name": spec["work_queue"] ?? .string("default"),
            "job_variables": spec["job_variables"] ?? .object([:]),
            "schedules": .array(schedules),
            "pull_steps": spec["pull_steps"] ?? .array([]),
        ]
    }

    /// The request body registering `deployment` under the flow `flowID`, as release `version`
    /// (unless the deployment fixes its own `version:`), under its Prefect `name:` if it has one.
    public static func request(_ deployment: RenderedDeployment, flowID: String, version: String) -> [String: JSONValue] {
        var body = desired(deployment)
        body["name"] = deployment.spec["deployment_name"] ?? .string(deployment.name)
        body["flow_id"] = .string(flowID)
        body["version"] = deployment.spec["prefect_version"] ?? .string(version)
        body["path"] = .null
        if case .array(let schedules)? = body["schedules"] {
            body["schedules"] = .array(schedules.map { item in
                guard case .object(var schedule) = item else { return item }
                let active = schedule.removeValue(forKey: "active") ?? .bool(true)
                return .object(["schedule": .object(schedule), "active": active])
            })
        }
        return body
    }

    /// The projection of a deployment read back from the server.
    /// `withVersion`: for a deployment that fixes its own `version:` (compared then).
    public static func observed(_ server: JSONValue, withVersion: Bool = false) -> [String: JSONValue] {
        guard case .object(let object) = server else { return [:] }
        var projection: [String: JSONValue] = [:]
        for key in compared { projection[key] = object[key] ?? .null }
        if withVersion { projection["version"] = object["version"] ?? .null }
        if case .array(let schedules)? = object["schedules"] {
            projection["schedules"] = .array(schedules.compactMap { item in
                guard case .object(let entry) = item, case .object(let schedule)? = entry["schedule"] else { return nil }
                return normalized(schedule, active: entry["active"] == .bool(true))
            })
        }
        if projection["work_queue_name"] == .null { projection["work_queue_name"] = .string("default") }
        return projection
    }

    /// `{cron|interval, timezone, active}` with the server's defaults filled in (UTC, whole seconds).
    static func normalized(_ schedule: [String: JSONValue], active: Bool) -> JSONValue {
        var result: [String: JSONValue] = ["timezone": schedule["timezone"].flatMap { $0 == .null ? nil : $0 } ?? .string("UTC"), "active": .bool(active)]
        if let cron = schedule["cron"] { result["cron"] = cron }
        switch schedule["interval"] {
        case .double(let seconds)?: result["interval"] = .int(Int(seconds))
        case .int(let seconds)?: result["interval"] = .int(seconds)
        default: break
        }
        return .object(result)
    }

    /// The fields where `server` differs from `wanted` (both projections).
    public static func differences(_ wanted: [String: JSONValue], _ server: [String: JSONValue]) -> [String] {
        (compared + (wanted["version"] != nil ? ["version"] : [])).filter { (wanted[$0] ?? .null) != (server[$0] ?? .null) }
    }
}
