import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs commands through another runner and appends one line per command to a log: when it
/// ended, exit status, seconds, and the command as typed (`ssh … HOST 'remote words'`). The
/// programs crank sends to hosts (the supervisor, the proxy) show as `<crank-remote>` and
/// `<crank-proxy>`; stdin (environment files, keys, secrets) is never part of a command, so
/// never logged. The log (`.crank/state/<env>/remote.log`) is rotated to `remote.log.1` past 5 MB.
public struct RemoteCommandLog: CommandRunner {
    public let base: any CommandRunner
    public let path: String
    static let limit = 5_000_000

    public init(base: any CommandRunner, path: String) {
        self.base = base
        self.path = path
    }

    public func run(_ command: ShellCommand, timeout: TimeInterval) -> CommandResult {
        let started = Date()
        let result = base.run(command, timeout: timeout)
        append(Self.line(command, result: result, started: started, ended: Date()))
        return result
    }

    static func line(_ command: ShellCommand, result: CommandResult, started: Date, ended: Date) -> String {
        let status = result.timedOut ? "timeout" : "exit \(result.status)"
        let seconds = String(format: "%.2fs", ended.timeIntervalSince(started))
        return "\(ISO8601DateFormatter().string(from: ended)) \(status) \(seconds) \(shown(command))\n"
    }

    /// The command as a line, with crank's remote programs named instead of spelled out.
    public static func shown(_ command: ShellCommand) -> String {
        var text = command.description
        for (script, name) in [(RemoteSupervisor.script, "<crank-remote>"), (RemoteNginxProxy.script, "<crank-proxy>")] {
            text = text.replacingOccurrences(of: SSHTransport.quote(script), with: name)
        }
        return text.replacingOccurrences(of: "\n", with: "\\n")
    }

    /// One `write` with O_APPEND per line: lines of concurrent calls never interleave.
    func append(_ line: String) {
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var info = stat()
        if stat(path, &info) == 0, Int(info.st_size) > Self.limit { rename(path, path + ".1") }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let bytes = Array(line.utf8)
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }
}
