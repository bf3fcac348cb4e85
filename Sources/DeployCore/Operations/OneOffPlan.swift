import Foundation

/// A file of secret values crank writes (0600, in a private 0700 directory) just before a
/// command and removes right after it.
public struct PrivateFile: Equatable, Sendable {
    public var path: String
    public var contents: Data
}

/// `crank exec`'s command as data: what runs, where and with what environment. The runner
/// (`OneOffExecution`) is the only place that acts on it.
public struct OneOffPlan: Sendable {
    public var deployment: String
    public var release: String
    /// The host it runs on (environments with hosts).
    public var host: String?
    /// argv[0] is a path or a name looked up on `environment["PATH"]`.
    public var argv: [String]
    /// Exactly the environment the program gets. Holds secret values for the local target:
    /// never printed, never recorded.
    public var environment: [String: String]
    /// An env-file for the container engine (local container target).
    public var envFile: PrivateFile?
    /// Run first (through the command runner): the env-file written on a host, over ssh's stdin.
    public var before: [ShellCommand] = []
    /// Replaces secret values by `[redacted:NAME]` in what crank shows and records.
    public var redactor: Redactor

    /// The command as crank shows and records it: the user's argv, secret values redacted.
    public var userCommand: [String]

    public var shown: String { userCommand.map(redactor.redact).map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ") }

    /// What the audit log records of crank's own arguments.
    public func recorded(_ arguments: [String]) -> [String] { arguments.map(redactor.redact) }
}

/// The exit status of a one-off command as a shell reports it: the program's own code, or
/// 128 + the signal number when a signal ended it.
public enum ExitStatus {
    public static func code(waitStatus status: Int32) -> Int32 {
        let signal = status & 0x7f
        if signal == 0 { return (status >> 8) & 0xff }
        return 128 + signal
    }
}
