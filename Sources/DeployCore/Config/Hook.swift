/// `hooks:` of an environment or a deployment: a program (argv, no shell) run at one
/// phase of a deploy or rollback, with the release's code, env and secrets, where the release
/// runs. The same value is recorded in the release's manifest, so a rollback runs the hooks
/// of the release it restores.
public struct Hook: Equatable, Sendable {
    public enum Phase: String, Sendable, Codable, CaseIterable {
        case preDeploy = "pre_deploy"
        case postDeploy = "post_deploy"
        case preRollback = "pre_rollback"
        case postRollback = "post_rollback"
    }

    /// Where it was written: an environment's hooks run on every deploy (or rollback) that
    /// changes something; a deployment's only when that deployment is (re)started.
    public enum Scope: String, Sendable, Codable {
        case environment, deployment
    }

    public static let defaultTimeout: Double = 300

    public var phase: Phase
    public var run: [String]
    /// Seconds before its whole process group (or its container) is killed.
    public var timeout: Double
    /// The deployment whose code, env and secrets it runs with (`on:`; a deployment's own
    /// hooks: that deployment); nil: the environment's `env:` only, no secrets.
    public var deployment: String?
    public var scope: Scope
    /// Recorded hooks without `on:`: the environment's `env:` as it was at the deploy.
    public var env: [String: String] = [:]

    public init(phase: Phase, run: [String], timeout: Double = Hook.defaultTimeout, deployment: String? = nil, scope: Scope = .environment) {
        self.phase = phase
        self.run = run
        self.timeout = timeout
        self.deployment = deployment
        self.scope = scope
    }

    /// The argv as one line, for plans, logs and history (secrets redacted by the caller).
    public var commandLine: String {
        run.map { $0.contains(" ") || $0.isEmpty ? "'\($0)'" : $0 }.joined(separator: " ")
    }
}
