import Foundation

/// Which hooks a phase runs, and running them in order: an environment's hooks always, a
/// deployment's only when that deployment is among `deployments` (started or restored).
/// The first failure stops the phase; every run is recorded and its output, redacted, goes to
/// the release's log.
public struct HookPhase: Sendable {
    public var phase: Hook.Phase
    public var hooks: [Hook]

    public init(_ phase: Hook.Phase, of hooks: [Hook], deployments: Set<String>) {
        self.phase = phase
        self.hooks = hooks.filter { $0.phase == phase && ($0.scope == .environment || $0.deployment.map(deployments.contains) == true) }
    }

    /// Runs the hooks one after another with `execute`; stops at the first that fails.
    /// `log`: the release's log (appended); `redactor` covers every secret the release names.
    public func run(release: String, log: String?, redactor: Redactor,
                    execute: (Hook) async -> HookResult) async -> (runs: [HookRun], failure: HealthFailure?) {
        var runs: [HookRun] = []
        for hook in hooks {
            let command = redactor.redact(hook.commandLine)
            HookLog.append(log, "== \(phase.rawValue) hook: \(command)\(hook.deployment.map { " (on \($0))" } ?? "") ==\n")
            let result = await execute(hook)
            let output = redactor.redact(result.output)
            let outcome = result.notStarted != nil ? "not-started" : result.timedOut ? "timed-out" : result.status == 0 ? "ok" : "failed"
            let lastLine = output.split(whereSeparator: \.isNewline).last.map { String($0.prefix(300)) }
            let run = HookRun(phase: phase, command: command, deployment: hook.deployment, release: release, outcome: outcome,
                              exitStatus: result.status, durationMilliseconds: Int((result.seconds * 1000).rounded()),
                              detail: result.notStarted.map(redactor.redact) ?? (outcome == "ok" ? nil : lastLine))
            HookLog.append(log, output + (output.isEmpty || output.hasSuffix("\n") ? "" : "\n")
                + "== \(outcome)\(result.status.map { ", exit \($0)" } ?? "") after \(String(format: "%.2f", result.seconds))s ==\n")
            runs.append(run)
            if !run.succeeded { return (runs, run.failure(timeout: hook.timeout)) }
        }
        return (runs, nil)
    }
}

/// The release's log: `<state>/<env>/releases/<id>.log`, next to its record; appended.
public enum HookLog {
    public static func path(stateDirectory: String, environment: String, release: String) -> String {
        "\(stateDirectory)/\(environment)/releases/\(release).log"
    }

    static func append(_ path: String?, _ text: String) {
        guard let path, !text.isEmpty else { return }
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }
}
