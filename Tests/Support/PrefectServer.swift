import Foundation
import DeployCore
#if canImport(Glibc)
import Glibc
#endif

/// One real Prefect server per test run (SQLite, 127.0.0.1, a free port, a temporary
/// PREFECT_HOME), started on first use and stopped by PID when the test process exits.
public actor PrefectServer {
    public static let shared = PrefectServer()
    private var starting: Task<URL, Error>?

    /// The server's API URL; concurrent callers share one start (actor reentrancy).
    public func apiURL() async throws -> URL {
        if let starting { return try await starting.value }
        let task = Task { try await Self.start() }
        starting = task
        return try await task.value
    }

    static func start() async throws -> URL {
        let python = try ProcessRunner.prefectPython()
        let prefect = (python as NSString).deletingLastPathComponent + "/prefect"
        let home = FileManager.default.temporaryDirectory.path + "/crank-prefect-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let port = try Self.freePort()
        let process = Process()
        // A watchdog shell stops the server when this test process is gone, however it ends.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        let watchdog = "\"$0\" server start --host 127.0.0.1 --port \(port) & server=$!; "
            + "while kill -0 \(getpid()) 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 1; done; kill $server 2>/dev/null; sleep 3; kill -9 $server 2>/dev/null"
        process.arguments = ["/bin/sh", "-c", watchdog, prefect]
        var environment = ProcessInfo.processInfo.environment
        environment["PREFECT_HOME"] = home
        environment["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
        environment["PREFECT_UI_ENABLED"] = "false"
        process.environment = environment
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let api = URL(string: "http://127.0.0.1:\(port)/api")!
        let deadline = Date().addingTimeInterval(150)
        while Date() < deadline {
            if let data = try? Data(contentsOf: api.appendingPathComponent("health")), String(decoding: data, as: UTF8.self) == "true" {
                return api
            }
            guard process.isRunning else { throw TestFailure("prefect server exited with \(process.terminationStatus)") }
            try await Task.sleep(nanoseconds: 500_000_000)
        }
        throw TestFailure("prefect server did not answer /api/health within 150 s")
    }

    /// A port for a service a test starts: free now, never handed out twice in this test process,
    /// outside the kernel's ephemeral range and the other test streams' ranges (TestPorts).
    public static func freePort() throws -> Int {
        try TestPorts.take()
    }
}

extension PrefectServer {
    /// Runs `body` while no other test uses the server: one SQLite-backed Prefect server on a
    /// 2-core machine answers 503 (database locked) and times out when several tests register
    /// deployments and run workers at once. Other suites keep running in parallel.
    public static func exclusively<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        await gate.enter()
        do {
            let result = try await body()
            await gate.leave()
            return result
        } catch {
            await gate.leave()
            throw error
        }
    }

    static let gate = AsyncGate()
}

/// A FIFO mutex for async code (continuations, not blocked threads).
public actor AsyncGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init() {}

    public func enter() async {
        guard busy else { busy = true; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    public func leave() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}
