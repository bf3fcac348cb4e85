import Foundation

/// `crank smoke` and the `smoke:` gate: create a flow run of a registered deployment and wait
/// for a terminal state (a worker of the deployment's pool must pick it up).
public struct SmokeRun: Equatable, Sendable, Codable {
    public var deployment: String
    @Nullable public var flowRunID: String?
    /// COMPLETED, FAILED, CRASHED, CANCELLED, or the last state seen when it timed out.
    public var state: String
    public var passed: Bool
    public var seconds: Double
    @Nullable public var message: String?

    enum CodingKeys: String, CodingKey { case deployment, flowRunID = "flow_run_id", state, passed, seconds, message }

    static let terminal: Set<String> = ["COMPLETED", "FAILED", "CRASHED", "CANCELLED"]

    /// Runs deployment `id` (named `name`) with `parameters`; polls every `poll` seconds up to `timeout`.
    public static func run(_ client: PrefectClient, deployment name: String, id: String, parameters: [String: JSONValue],
                           timeout: Double, poll: Double = 1) async throws(PrefectClient.Failure) -> SmokeRun {
        let started = Date()
        let runID = try await client.createFlowRun(deployment: id, parameters: parameters, tags: ["crank", "crank-smoke"])
        var state = "SCHEDULED"
        var message: String?
        while true {
            if case .object(let run) = try await client.flowRun(id: runID), case .object(let current)? = run["state"] {
                if case .string(let type)? = current["type"] { state = type }
                if case .string(let text)? = current["message"], !text.isEmpty { message = text }
            }
            let elapsed = Date().timeIntervalSince(started)
            if terminal.contains(state) {
                return SmokeRun(deployment: name, flowRunID: runID, state: state, passed: state == "COMPLETED", seconds: elapsed, message: message)
            }
            if elapsed >= timeout {
                return SmokeRun(deployment: name, flowRunID: runID, state: state, passed: false, seconds: elapsed,
                                message: "no terminal state within \(Int(timeout))s (is a worker polling the deployment's work pool?)")
            }
            try? await Task.sleep(nanoseconds: UInt64(poll * 1_000_000_000))
        }
    }

    /// The health-gate failure this run stands for, if it did not pass.
    public func failure(timeout: Int) -> HealthFailure? {
        passed ? nil : HealthFailure(deployment: deployment, check: "smoke", observed: "flow run \(flowRunID ?? "-") \(state)\(message.map { ": \($0)" } ?? "")",
                                     threshold: "COMPLETED within \(timeout)s")
    }
}
