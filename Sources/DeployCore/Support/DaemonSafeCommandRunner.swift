import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program whose output goes to files, and waits for the program's own exit only.
///
/// For engines that leave a daemon behind: `podman run -d` starts conmon, which inherits the
/// descriptors of podman. Foundation's `Process` waits for those to close (and never reaps
/// podman while conmon lives), so a pipe-based runner hangs for the container's whole life.
/// Here the child gets none of crank's descriptors, its output lands in two private temporary
/// files, and `waitpid` says when it is done.
public struct DaemonSafeCommandRunner: CommandRunner {
    public init() {}

    public func run(_ command: ShellCommand, timeout: TimeInterval) -> CommandResult {
        let environment = command.environment ?? ProcessInfo.processInfo.environment
        guard let executable = ExecutableLocator.find(command.executable, path: environment["PATH"]) else {
            return CommandResult(status: 127, stdout: "", stderr: "\(command.executable): not found on PATH")
        }
        let directory = FileManager.default.temporaryDirectory.path + "/crank-run-" + UUID().uuidString
        guard (try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false,
                                                         attributes: [.posixPermissions: 0o700])) != nil else {
            return CommandResult(status: 126, stdout: "", stderr: "cannot create a temporary directory for \(command.executable)'s output")
        }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var argv = [executable] + command.arguments
        if let workingDirectory = command.workingDirectory {
            argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", workingDirectory] + argv
        }
        // Input goes through a private file (0600, removed with the directory), not a pipe.
        var stdin = "/dev/null"
        if let input = command.input {
            stdin = directory + "/in"
            guard FileManager.default.createFile(atPath: stdin, contents: input, attributes: [.posixPermissions: 0o600]) else {
                return CommandResult(status: 126, stdout: "", stderr: "cannot write the input of \(command.executable) to a temporary file")
            }
        }
        let pid: pid_t
        do throws(ProcessSupervisor.SpawnFailure) {
            pid = try ProcessSupervisor.spawn(argv, environment: environment, stdin: stdin, stdout: directory + "/out", stderr: directory + "/err",
                                              newSession: false)
        } catch {
            return CommandResult(status: 126, stdout: "", stderr: "cannot run \(command.executable): \(error.reason)")
        }
        let deadline = Date().addingTimeInterval(timeout)
        var status: Int32 = 0
        var pause: useconds_t = 1_000
        var timedOut = false
        var waited: pid_t = 0
        while true {
            waited = waitpid(pid, &status, WNOHANG)
            if waited == -1, errno == EINTR { continue }
            if waited != 0 { break }
            if Date() >= deadline, !timedOut {
                timedOut = true
                kill(pid, SIGTERM)
                let killAt = Date().addingTimeInterval(2)
                while waitpid(pid, &status, WNOHANG) == 0, Date() < killAt { usleep(20_000) }
                if kill(pid, 0) == 0 { kill(pid, SIGKILL); waitpid(pid, &status, 0) }
                break
            }
            usleep(pause)
            pause = min(pause * 2, 20_000)
        }
        // -1: someone else collected the child; its status is unknown, so it is not a success.
        let exitCode: Int32 = waited == -1 && !timedOut ? 255 : (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let read = { (name: String) in String(decoding: FileManager.default.contents(atPath: directory + "/" + name) ?? Data(), as: UTF8.self) }
        return CommandResult(status: exitCode, stdout: read("out"), stderr: read("err"), timedOut: timedOut)
    }
}
