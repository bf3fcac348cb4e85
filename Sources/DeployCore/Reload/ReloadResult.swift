import Foundation

/// What one running instance did with a config update.
public enum ReloadOutcome: Equatable, Sendable {
    /// It took the config: a 2xx answer, an acknowledgement of the signal, or a restart that
    /// passed its health gate. `detail`: the answer's start, or the new pid.
    case applied(detail: String?)
    /// No answer (HTTP) or no acknowledgement (signal) within the reload's timeout.
    case timedOut(after: Double)
    /// It answered but refused: an HTTP status outside 2xx (with the body's start), an
    /// acknowledgement carrying an error (status nil), or a restart that failed its gate.
    case rejected(status: Int?, body: String)
    /// Nothing to deliver to: the process is not running, the port refuses connections, or
    /// the process died on the signal.
    case unreachable(reason: String)

    public var isApplied: Bool {
        if case .applied = self { return true }
        return false
    }

    /// applied, timed-out, rejected, unreachable: the stable `outcome` of `--json`.
    public var name: String {
        switch self {
        case .applied: return "applied"
        case .timedOut: return "timed-out"
        case .rejected: return "rejected"
        case .unreachable: return "unreachable"
        }
    }

    /// One line for people: `timed out after 2s`, `rejected (HTTP 422): bad value`.
    public var summary: String {
        switch self {
        case .applied(let detail): return "applied" + (detail.map { ": \($0)" } ?? "")
        case .timedOut(let after): return "timed out after \(DurationText.format(after))"
        case .rejected(let status, let body): return "rejected" + (status.map { " (HTTP \($0))" } ?? "") + (body.isEmpty ? "" : ": \(body)")
        case .unreachable(let reason): return "unreachable: \(reason)"
        }
    }

    /// The summary without an applied answer's body, and at most 80 characters of a refusal's:
    /// for the history's reason and the audit log.
    public var brief: String {
        switch self {
        case .applied: return "applied"
        case .rejected(let status, let body): return ReloadOutcome.rejected(status: status, body: Self.excerpt(body, limit: 80)).summary
        default: return summary
        }
    }

    /// At most `limit` characters of an answer, on one line.
    static func excerpt(_ text: String, limit: Int = 200) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        return line.count > limit ? String(line.prefix(limit)) + "…" : line
    }
}

/// One instance's result: which deployment, which instance of it, how it was told.
public struct InstanceReload: Equatable, Sendable, Codable {
    public var deployment: String
    /// `pid 4242` on this machine.
    public var instance: String
    /// `signal HUP`, `http POST /admin/config` or `restart`.
    public var method: String
    public var outcome: ReloadOutcome

    public init(deployment: String, instance: String, method: String, outcome: ReloadOutcome) {
        self.deployment = deployment
        self.instance = instance
        self.method = method
        self.outcome = outcome
    }

    enum CodingKeys: String, CodingKey { case deployment, instance, method, outcome, status, detail, seconds }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(deployment, forKey: .deployment)
        try container.encode(instance, forKey: .instance)
        try container.encode(method, forKey: .method)
        try container.encode(outcome.name, forKey: .outcome)
        switch outcome {
        case .applied(let detail): try container.encode(detail, forKey: .detail)
        case .timedOut(let after): try container.encode(after, forKey: .seconds)
        case .rejected(let status, let body):
            try container.encode(status, forKey: .status)
            try container.encode(body, forKey: .detail)
        case .unreachable(let reason): try container.encode(reason, forKey: .detail)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        deployment = try container.decode(String.self, forKey: .deployment)
        instance = try container.decode(String.self, forKey: .instance)
        method = try container.decode(String.self, forKey: .method)
        let detail = try container.decodeIfPresent(String.self, forKey: .detail)
        switch try container.decode(String.self, forKey: .outcome) {
        case "applied": outcome = .applied(detail: detail)
        case "timed-out": outcome = .timedOut(after: try container.decode(Double.self, forKey: .seconds))
        case "rejected": outcome = .rejected(status: try container.decodeIfPresent(Int.self, forKey: .status), body: detail ?? "")
        case "unreachable": outcome = .unreachable(reason: detail ?? "")
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .outcome, in: container, debugDescription: "unknown outcome \(other)")
        }
    }
}

/// The result of `crank reload`: the release it recorded and every instance's outcome.
public struct ReloadReport: Equatable, Sendable, Codable {
    public var environment: String
    /// The release recorded for the new config (nil on a dry run).
    @Nullable public var release: String?
    /// The release that was live before.
    public var previous: String
    /// applied (the release is live), failed (recorded as failed; see `reverted`), dry-run
    public var status: String
    public var instances: [InstanceReload]
    /// After a failure: the instances that were given the previous config back, and how that went.
    public var reverted: [InstanceReload]

    public init(environment: String, release: String?, previous: String, status: String, instances: [InstanceReload], reverted: [InstanceReload] = []) {
        self.environment = environment
        self.release = release
        self.previous = previous
        self.status = status
        self.instances = instances
        self.reverted = reverted
    }
}
