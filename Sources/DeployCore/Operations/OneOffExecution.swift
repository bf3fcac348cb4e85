import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a `OneOffPlan` with the caller's terminal: the program inherits crank's stdin, stdout
/// and stderr (a terminal is handed over as it is; piped stdin streams through), runs in
/// crank's process group (Ctrl-C reaches it; crank ignores SIGINT and SIGQUIT meanwhile, as
/// `system(3)` does), and its exit status comes back unchanged (128 + n for a signal).
/// crank also ignores SIGHUP meanwhile, so a closed terminal still leaves its audit line.
public enum OneOffExecution {
    /// Runs `plan` for `engine`'s environment: on hosts through the fleet's runner, so the calls
    /// (and the interactive ssh, its secrets redacted) are logged in `remote.log` like every other.
    public static func run(_ plan: OneOffPlan, engine: any ReleaseTarget) throws(OperationFailure) -> Int32 {
        let runner: any CommandRunner = (engine as? HostReleaseEngine)?.runner ?? (engine as? HostContainerReleaseEngine)?.fleet.runner ?? ProcessCommandRunner()
        return try run(plan, runner: runner)
    }

    public static func run(_ plan: OneOffPlan, runner: any CommandRunner = ProcessCommandRunner()) throws(OperationFailure) -> Int32 {
        for command in plan.before {
            let result = runner.run(command, timeout: 60)
            guard result.status == 0, !result.timedOut else {
                throw .command("preparing the command on \(plan.host ?? "this machine") failed: \(result.timedOut ? "timed out" : result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
        }
        if let file = plan.envFile {
            let directory = (file.path as NSString).deletingLastPathComponent
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                try AtomicFile.write(file.contents, to: file.path, permissions: 0o600)
            } catch {
                throw .state("cannot write the env-file: \(error)")
            }
        }
        defer { if let file = plan.envFile { try? FileManager.default.removeItem(atPath: (file.path as NSString).deletingLastPathComponent) } }
        guard let program = plan.argv.first,
              let executable = ExecutableLocator.find(program, path: plan.environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"]) else {
            throw .command("\(plan.argv.first ?? "?"): not found on PATH")
        }
        let started = Date()
        let status: Int32
        do throws(ProcessSupervisor.SpawnFailure) {
            status = try InteractiveProcess.run([executable] + plan.argv.dropFirst(), environment: plan.environment)
        } catch {
            throw .command("cannot start \(program): \(error.reason)")
        }
        if let log = runner as? RemoteCommandLog {
            let shown = ShellCommand(plan.argv[0], plan.argv.dropFirst().map(plan.redactor.redact))
            log.append(RemoteCommandLog.line(shown, result: CommandResult(status: status, stdout: "", stderr: ""), started: started, ended: Date()))
        }
        return status
    }
}

/// A child on crank's own standard descriptors and process group, waited for.
enum InteractiveProcess {
    static func run(_ argv: [String], environment: [String: String]) throws(ProcessSupervisor.SpawnFailure) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor in ProcessSupervisor.openDescriptors() where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // No new session: the terminal's signals reach it.
        ProcessSupervisor.receivingSignals(&attributes, newSession: false)
        let arguments = argv.map { strdup($0) } + [nil]
        let env = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            arguments.forEach { free($0) }
            env.forEach { free($0) }
        }
        // The terminal's Ctrl-C and Ctrl-\\ are the command's; a hang-up ends the command, and crank
        // outlives it long enough to record how it ended.
        let previous = [SIGINT, SIGQUIT, SIGHUP].map { ($0, signal($0, SIG_IGN)) }
        defer { for (number, handler) in previous { signal(number, handler) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, argv[0], &actions, &attributes, arguments, env)
        guard status == 0 else { throw ProcessSupervisor.SpawnFailure(reason: String(cString: strerror(status))) }
        var waited: Int32 = 0
        while waitpid(pid, &waited, 0) == -1 {
            if errno != EINTR { return 127 }
        }
        return ExitStatus.code(waitStatus: waited)
    }
}
