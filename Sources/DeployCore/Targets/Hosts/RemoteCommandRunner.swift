import Foundation

/// Runs commands on a host instead of this machine: each `ShellCommand` becomes an ssh call
/// through `SSHTransport` (every word quoted for the remote shell, stdin forwarded). Variables
/// the command names are set with `env` on the host; crank's own environment never travels.
/// With it, the container engine's CLI calls (`podman run`, `ps`, `inspect`, …) work on a host
/// unchanged.
public struct RemoteCommandRunner: CommandRunner {
    public let transport: SSHTransport
    /// Runs the local `ssh`.
    public let runner: any CommandRunner

    public init(transport: SSHTransport, runner: any CommandRunner) {
        self.transport = transport
        self.runner = runner
    }

    public func run(_ command: ShellCommand, timeout: TimeInterval) -> CommandResult {
        runner.run(transport.command(Self.remoteArgv(command), input: command.input), timeout: timeout)
    }

    /// The argv run on the host: `[cd DIR &&] [env K=V…] EXECUTABLE ARGS…`.
    static func remoteArgv(_ command: ShellCommand) -> [String] {
        var argv = [command.executable] + command.arguments
        if let environment = command.environment, !environment.isEmpty {
            argv = ["env"] + environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" } + argv
        }
        if let directory = command.workingDirectory {
            argv = ["/bin/sh", "-c", "cd \"$1\" && shift && exec \"$@\"", "crank-exec", directory] + argv
        }
        return argv
    }
}

extension SSHTransport {
    /// `LOCAL… | ssh host REMOTE…`: streams a local program's output into a remote one (e.g.
    /// `podman save IMAGE | ssh host podman load`). Both argvs are positional parameters of a
    /// fixed script, never interpolated; the exit status is the remote program's.
    public func pipe(_ local: [String], environment: [String: String]?, to remote: [String]) -> ShellCommand {
        let ssh = (["ssh"] + options + [host.address]).map(Self.quote).joined(separator: " ")
        let remoteLine = Self.quote(remote.map(Self.quote).joined(separator: " "))
        Self.ensurePrivate(controlDirectory)
        return ShellCommand("/bin/sh", ["-c", "\"$@\" | \(ssh) \(remoteLine)", "crank-pipe"] + local, environment: environment)
    }
}
