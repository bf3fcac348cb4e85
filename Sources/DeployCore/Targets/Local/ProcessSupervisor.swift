import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A supervised background process: its own session and process group (it outlives crank),
/// environment passed directly (never in argv), output appended to a log file.
public struct ProcessRecord: Equatable, Sendable, Codable {
    public var deployment: String
    public var release: String
    public var pid: Int32
    /// `starttime` from /proc/<pid>/stat, so a reused pid is never mistaken for ours.
    public var startTicks: UInt64?
    public var port: Int?
    public var startedAt: Date
    public var log: String

    enum CodingKeys: String, CodingKey {
        case deployment, release, pid, startTicks = "start_ticks", port, startedAt = "started_at", log
    }
}

public enum ProcessSupervisor {
    public enum Failure: Error, Equatable {
        case cannotStart(String)
    }

    /// Starts `argv` in `directory` with exactly `environment`, output to `logPath`.
    public static func start(argv: [String], directory: String, environment: [String: String], logPath: String) throws(Failure) -> (pid: Int32, startTicks: UInt64?) {
        guard let program = argv.first else { throw .cannotStart("empty command") }
        guard let executable = ExecutableLocator.find(program.hasPrefix("./") ? directory + "/" + program.dropFirst(2) : program,
                                                      path: environment["PATH"]) else {
            throw .cannotStart("\(program): not found on PATH")
        }
        try? FileManager.default.createDirectory(atPath: (logPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // `sh -c 'cd DIR && exec "$@"'` sets the working directory portably, then becomes the program.
        let argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory, executable] + argv.dropFirst()
        let pid: pid_t
        do throws(SpawnFailure) {
            pid = try spawn(argv, environment: environment, stdout: logPath, stderr: nil, newSession: true)
        } catch {
            throw .cannotStart("\(program): \(error.reason)")
        }
        return (pid, startTicks(pid))
    }

    public struct SpawnFailure: Error, Equatable {
        public var reason: String
    }

    /// `posix_spawn` of `argv` (argv[0] is the executable's path) with exactly `environment`:
    /// stdin from /dev/null, stdout appended to `stdout`, stderr to `stderr` (or with stdout),
    /// no other descriptor of crank's, an empty signal mask and default dispositions; in its own
    /// session when `newSession` (it outlives crank).
    static func spawn(_ argv: [String], environment: [String: String], stdin: String = "/dev/null", stdout: String, stderr: String?,
                      newSession: Bool) throws(SpawnFailure) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        if let stderr {
            posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        // Close every other descriptor crank holds (pipes to whoever runs crank, sockets): a
        // child, or a daemon it leaves behind, must not keep them open.
        for descriptor in openDescriptors() where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        Self.receivingSignals(&attributes, newSession: newSession)
        let arguments = argv.map { strdup($0) } + [nil]
        let env = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            arguments.forEach { free($0) }
            env.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, argv[0], &actions, &attributes, arguments, env)
        guard status == 0 else { throw SpawnFailure(reason: String(cString: strerror(status))) }
        return pid
    }

    /// Whether the recorded process is still ours and alive (not a zombie, not a reused pid).
    public static func isAlive(_ record: ProcessRecord) -> Bool {
        guard kill(record.pid, 0) == 0 || errno == EPERM else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(record.pid)/stat", encoding: .utf8) else { return true }
        let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
        if fields.first == "Z" { return false }
        if let recorded = record.startTicks, let now = startTicks(record.pid) { return recorded == now }
        return true
    }

    /// SIGTERM to the process group, wait `grace` seconds, then SIGKILL. Returns true if it stopped.
    @discardableResult
    public static func stop(_ record: ProcessRecord, grace: TimeInterval) -> Bool {
        guard isAlive(record) else { return true }
        kill(-record.pid, SIGTERM)
        kill(record.pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline {
            reap(record.pid)
            if !isAlive(record) { return true }
            usleep(20_000)
        }
        kill(-record.pid, SIGKILL)
        kill(record.pid, SIGKILL)
        for _ in 0..<40 {
            reap(record.pid)
            if !isAlive(record) { return true }
            usleep(50_000)
        }
        return !isAlive(record)
    }

    /// Collects our own exited children so they do not linger as zombies.
    static func reap(_ pid: Int32) {
        var status: Int32 = 0
        _ = waitpid(pid, &status, WNOHANG)
    }

    /// A child that sees signals: an empty signal mask (SETSIGMASK 0x08) and default dispositions
    /// (SETSIGDEF 0x04) — crank's threads block signals, and a child inheriting that mask would
    /// never see SIGTERM — in its own session and process group when `newSession` (SETSID 0x80).
    static func receivingSignals(_ attributes: inout posix_spawnattr_t, newSession: Bool) {
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16((newSession ? 0x80 : 0) | 0x08 | 0x04))
    }

    /// The descriptors open in this process (from /proc/self/fd, else the first 1024 that are valid).
    static func openDescriptors() -> [Int32] {
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            return entries.compactMap { Int32($0) }.filter { fcntl($0, F_GETFD) != -1 }
        }
        return (3..<1024).filter { fcntl($0, F_GETFD) != -1 }
    }

    static func startTicks(_ pid: Int32) -> UInt64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let afterName = stat.range(of: ")", options: .backwards) else { return nil }
        let fields = stat[afterName.upperBound...].split(separator: " ")
        // Field 22 of /proc/pid/stat is starttime; fields here start at field 3 (state).
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }
}
