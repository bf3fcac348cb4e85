import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why a host could not be used.
public enum HostFailure: Error, Equatable, Sendable, CustomStringConvertible {
    case unreachable(host: String, reason: String)
    /// fingerprint: `SHA256:…` of the key the host offered; fix: the line that trusts it.
    case unknownHostKey(host: String, fingerprint: String, fix: String)
    case changedHostKey(host: String, fingerprint: String)
    case authentication(host: String, reason: String)
    case command(host: String, status: Int32, stderr: String)

    public var description: String {
        switch self {
        case .unreachable(let host, let reason): return "\(host) is unreachable: \(reason)"
        case .unknownHostKey(let host, let fingerprint, _): return "\(host) offered an unknown host key \(fingerprint)"
        case .changedHostKey(let host, let fingerprint): return "the host key of \(host) changed (now \(fingerprint))"
        case .authentication(let host, let reason): return "cannot log in to \(host): \(reason)"
        case .command(let host, let status, let stderr): return "\(host): exit \(status): \(stderr)"
        }
    }
}

/// One host reached through the system's OpenSSH client, as commands (data): strict host key
/// checking always, batch mode (never a prompt), one multiplexed master connection per host and
/// crank process (ControlMaster in a private socket directory; the master ends 10 s after the
/// last use, so the next command connects — and verifies the host key — afresh), every remote
/// word quoted for the remote POSIX shell so nothing crank passes is ever evaluated there.
public struct SSHTransport: Sendable {
    public let host: HostSpec
    public let settings: SSHSettings
    public let controlDirectory: String

    public init(host: HostSpec, settings: SSHSettings, controlDirectory: String) {
        self.host = host
        self.settings = settings
        self.controlDirectory = controlDirectory
    }

    /// `/tmp/crank-ssh-<uid>`: short (a unix socket path holds at most 107 bytes), private.
    public static var defaultControlDirectory: String { "/tmp/crank-ssh-\(getuid())" }

    /// The options every ssh call carries.
    var options: [String] {
        var options = ["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", "ControlMaster=auto",
                       "-o", "ControlPath=\(controlDirectory)/%C-\(getpid())", "-o", "ControlPersist=10",
                       "-o", "ConnectTimeout=\(settings.connectTimeout)", "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3"]
        if let knownHosts = settings.knownHosts { options += ["-o", "UserKnownHostsFile=\(knownHosts)", "-o", "GlobalKnownHostsFile=/dev/null"] }
        if let identity = settings.identityFile { options += ["-i", identity, "-o", "IdentitiesOnly=yes"] }
        if let port = host.port { options += ["-p", String(port)] }
        if let user = host.user { options += ["-l", user] }
        return options
    }

    /// ssh argv running `remote` (an argv) on the host; the destination comes last before it.
    public func command(_ remote: [String], input: Data? = nil) -> ShellCommand {
        Self.ensurePrivate(controlDirectory)
        var command = ShellCommand("ssh", options + [host.address, remote.map(Self.quote).joined(separator: " ")])
        command.input = input
        return command
    }

    /// Runs a POSIX sh script on the host; `arguments` become its positional parameters.
    public func script(_ text: String, arguments: [String] = []) -> ShellCommand {
        command(["/bin/sh", "-c", text, "crank"] + arguments)
    }

    /// Copies the contents of a local directory to `remotePath` (created): `tar | ssh tar`,
    /// the paths passed as positional parameters of a fixed script, never interpolated.
    public func upload(directory: String, to remotePath: String) -> ShellCommand {
        tar(directory, into: ["/bin/sh", "-c", "mkdir -p \"$1\" && tar -C \"$1\" -xf -", "crank", remotePath])
    }

    /// In one call, copies the contents of a local directory to `remotePath` unless it is there
    /// already: written under a temporary name of its own, then renamed, so a killed copy never
    /// looks complete and of two copies at once the first renamed wins (the other is dropped).
    public func place(directory: String, at remotePath: String) -> ShellCommand {
        tar(directory, into: ["/bin/sh", "-c", "[ -d \"$1\" ] && exit 0; partial=\"$1.partial-$$\"; "
                                + "mkdir -p \"$partial\" && tar -C \"$partial\" -xf - && mv -T \"$partial\" \"$1\" && exit 0; "
                                + "rm -rf \"$partial\"; [ -d \"$1\" ]", "crank", remotePath])
    }

    /// `tar -C directory -cf - . | ssh HOST remote`.
    func tar(_ directory: String, into remote: [String]) -> ShellCommand {
        let ssh = (["ssh"] + options + [host.address]).map(Self.quote).joined(separator: " ")
        Self.ensurePrivate(controlDirectory)
        return ShellCommand("/bin/sh", ["-c", "tar -C \"$1\" -cf - . | \(ssh) \"$2\"", "crank-upload", directory,
                                        remote.map(Self.quote).joined(separator: " ")])
    }

    /// Writes `data` to a remote file with mode 0600; the data goes through stdin, never argv.
    public func write(_ data: Data, to remotePath: String) -> ShellCommand {
        script("umask 077 && mkdir -p \"$(dirname \"$1\")\" && cat > \"$1.tmp\" && mv -f \"$1.tmp\" \"$1\"", arguments: [remotePath]).with(input: data)
    }

    /// Whether the host answers and is trusted; the typed failure otherwise.
    public func probe(runner: any CommandRunner) -> HostFailure? {
        let result = runner.run(command(["true"]), timeout: Double(settings.connectTimeout) + 10)
        return result.status == 0 ? nil : failure(result, runner: runner)
    }

    /// Ends the multiplexed master connection.
    public func close(runner: any CommandRunner) {
        _ = runner.run(ShellCommand("ssh", options + ["-O", "exit", host.address]), timeout: 5)
    }

    /// What an ssh exit status 255 means, from its stderr.
    public func failure(_ result: CommandResult, runner: any CommandRunner) -> HostFailure {
        let text = result.stderr
        let reason = text.split(separator: "\n").last.map(String.init) ?? "exit \(result.status)"
        if result.timedOut { return .unreachable(host: host.name, reason: "no answer within \(settings.connectTimeout) s") }
        if text.contains("REMOTE HOST IDENTIFICATION HAS CHANGED") {
            return .changedHostKey(host: host.name, fingerprint: fingerprint(runner: runner) ?? "unknown")
        }
        if text.contains("Host key verification failed") || text.contains("No ED25519 host key is known") || text.contains("host key is known") {
            let port = host.port ?? 22
            let file = settings.knownHosts ?? "~/.ssh/known_hosts"
            return .unknownHostKey(host: host.name, fingerprint: fingerprint(runner: runner) ?? "unknown",
                                   fix: "ssh-keyscan -p \(port) \(host.address) >> \(file)")
        }
        if text.contains("Permission denied") { return .authentication(host: host.name, reason: reason) }
        if result.status == 255 { return .unreachable(host: host.name, reason: reason) }
        return .command(host: host.name, status: result.status, stderr: reason)
    }

    /// `SHA256:…` of the ed25519 (else first) key the host offers now.
    func fingerprint(runner: any CommandRunner) -> String? {
        let port = String(host.port ?? 22)
        let scan = runner.run(ShellCommand("/bin/sh", ["-c", "ssh-keyscan -T 5 -p \"$1\" \"$2\" 2>/dev/null | ssh-keygen -lf -", "crank", port, host.address]), timeout: 15)
        let lines = scan.stdout.split(separator: "\n")
        let line = lines.first { $0.contains("ED25519") } ?? lines.first
        return line?.split(separator: " ").first { $0.hasPrefix("SHA256:") }.map(String.init)
    }

    /// `'word'` for a POSIX shell (a `'` inside becomes `'\''`).
    public static func quote(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Writes an identity from a secret to a 0600 file in the private control directory.
    public static func materializeKey(_ value: String) throws -> String {
        let directory = defaultControlDirectory
        ensurePrivate(directory)
        let path = "\(directory)/key-\(SHA256.hex(value).prefix(16))"
        try AtomicFile.write(Data((value.hasSuffix("\n") ? value : value + "\n").utf8), to: path, permissions: 0o600)
        return path
    }

    static func ensurePrivate(_ directory: String) {
        mkdir(directory, 0o700)
        chmod(directory, 0o700)
    }
}

extension ShellCommand {
    func with(input: Data?) -> ShellCommand {
        var copy = self
        copy.input = input
        return copy
    }
}
