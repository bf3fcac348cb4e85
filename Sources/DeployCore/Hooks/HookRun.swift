import Foundation

/// What one hook did: recorded in the release (history, `--json`) and the audit log.
/// `command` is the argv with secret values redacted.
public struct HookRun: Equatable, Sendable, Codable {
    public var phase: Hook.Phase
    public var command: String
    /// The deployment whose code, env and secrets it ran with (nil: the environment's).
    @Nullable public var deployment: String?
    /// The release whose code it ran with.
    public var release: String
    /// ok, failed, timed-out, not-started
    public var outcome: String
    @Nullable public var exitStatus: Int?
    public var durationMilliseconds: Int
    /// Why it did not start, or the last line of its output when it failed (redacted).
    @Nullable public var detail: String?

    enum CodingKeys: String, CodingKey {
        case phase, command, deployment, release, outcome, exitStatus = "exit_status", durationMilliseconds = "duration_ms", detail
    }

    public var succeeded: Bool { outcome == "ok" }

    /// A failed hook as the release's recorded failure (`crank history` shows it as the reason).
    public func failure(timeout: Double) -> HealthFailure {
        let observed: String
        switch outcome {
        case "timed-out": observed = "`\(command)` timed out after \(DurationText.format(timeout)) (killed)"
        case "not-started": observed = "`\(command)` did not start: \(detail ?? "")"
        default: observed = "`\(command)` exited \(exitStatus.map(String.init) ?? "?")\(detail.map { ": \($0)" } ?? "")"
        }
        return HealthFailure(deployment: deployment ?? "-", check: "\(phase.rawValue) hook", observed: observed,
                             threshold: "exit 0 within \(DurationText.format(timeout))")
    }
}

/// How a hook process ended, before it becomes a `HookRun`.
public struct HookResult: Equatable, Sendable {
    public var status: Int?
    public var timedOut = false
    /// Set when it never started (program not found, no image).
    public var notStarted: String?
    /// stdout and stderr, unredacted (the runner redacts before anything is kept).
    public var output: String
    public var seconds: Double

    public init(status: Int?, timedOut: Bool = false, notStarted: String? = nil, output: String, seconds: Double) {
        self.status = status
        self.timedOut = timedOut
        self.notStarted = notStarted
        self.output = output
        self.seconds = seconds
    }
}
