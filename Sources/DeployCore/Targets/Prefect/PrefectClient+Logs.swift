import Foundation

/// Flow runs of a deployment and their logs (`crank logs` on a Prefect environment).
extension PrefectClient {
    /// One flow run, as `crank logs` needs it.
    public struct FlowRunSummary: Equatable, Sendable {
        public var id: String
        public var name: String
        /// The deployment's version when the run was created: crank's release id.
        public var version: String?
        /// SCHEDULED, PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, CRASHED, PAUSED, CANCELLING.
        public var state: String

        public var isFinal: Bool { ["COMPLETED", "FAILED", "CANCELLED", "CRASHED"].contains(state) }
    }

    /// One log record of a flow run.
    public struct FlowRunLog: Equatable, Sendable {
        public var id: String
        public var flowRunID: String
        public var level: Int
        public var message: String
        public var timestamp: String

        public var levelName: String {
            switch level {
            case ..<20: return "DEBUG"
            case 20..<30: return "INFO"
            case 30..<40: return "WARNING"
            case 40..<50: return "ERROR"
            default: return "CRITICAL"
            }
        }
    }

    /// The id of `flow/name`, nil when the server does not have it.
    public func deploymentID(flow: String, name: String) async throws(Failure) -> String? {
        guard case .object(let object)? = try await deployment(flow: flow, name: name), case .string(let id)? = object["id"] else { return nil }
        return id
    }

    /// Whether the deployment's schedules are paused (`crank stop`).
    public func isPaused(deployment id: String) async throws(Failure) -> Bool {
        guard case .object(let object) = try await send("GET", "deployments/\(id)", body: nil) else { return false }
        if case .bool(let paused)? = object["paused"] { return paused }
        return false
    }

    /// `POST /flow_runs/filter`: the deployment's most recent runs (by expected start), newest first.
    public func flowRuns(deployment id: String, limit: Int = 50) async throws(Failure) -> [FlowRunSummary] {
        let body: JSONValue = .object(["flow_runs": .object(["deployment_id": .object(["any_": .array([.string(id)])])]),
                                       "sort": .string("EXPECTED_START_TIME_DESC"), "limit": .int(limit)])
        guard case .array(let items) = try await send("POST", "flow_runs/filter", body: body) else { throw .unreadable("flow run filter: not a list") }
        return items.compactMap { item in
            guard case .object(let run) = item, case .string(let id)? = run["id"] else { return nil }
            var state = "UNKNOWN"
            if case .string(let type)? = run["state_type"] { state = type }
            return FlowRunSummary(id: id, name: run["name"]?.stringValue ?? id, version: run["deployment_version"]?.stringValue, state: state)
        }
    }

    /// `POST /logs/filter` for `runs`: at most `limit` records after `after` (inclusive), oldest
    /// first, or — `newest` — the last `limit` ones (still returned oldest first).
    public func logs(flowRuns runs: [String], after: String?, limit: Int, offset: Int = 0, newest: Bool = false) async throws(Failure) -> [FlowRunLog] {
        guard !runs.isEmpty else { return [] }
        var filter: [String: JSONValue] = ["flow_run_id": .object(["any_": .array(runs.map(JSONValue.string))])]
        if let after { filter["timestamp"] = .object(["after_": .string(after)]) }
        let body: JSONValue = .object(["logs": .object(filter), "sort": .string(newest ? "TIMESTAMP_DESC" : "TIMESTAMP_ASC"),
                                       "limit": .int(limit), "offset": .int(offset)])
        guard case .array(let items) = try await send("POST", "logs/filter", body: body) else { throw .unreadable("log filter: not a list") }
        let logs = items.compactMap { item -> FlowRunLog? in
            guard case .object(let log) = item, case .string(let id)? = log["id"] else { return nil }
            return FlowRunLog(id: id, flowRunID: log["flow_run_id"]?.stringValue ?? "", level: log["level"]?.intValue ?? 20,
                              message: log["message"]?.stringValue ?? "", timestamp: log["timestamp"]?.stringValue ?? "")
        }
        return newest ? logs.reversed() : logs
    }

    /// Microsecond RFC 3339 in UTC, as Prefect stores times.
    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
