import CrankTestSupport
import Foundation
import Testing
@testable import DeployCore

/// The gate against a real HTTP server on 127.0.0.1 that answers 503 for its first second.
@Suite("Health gate")
struct HealthGateTests {
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        var running = true
        func tick() -> Bool { lock.lock(); defer { lock.unlock() }; value += 1; return running }
        var count: Int { lock.lock(); defer { lock.unlock() }; return value }
    }

    static let slowServer = """
        import http.server, sys, time
        started = time.time()
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                ready = time.time() - started > 1.0
                self.send_response(200 if ready else 503)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            def log_message(self, *a): pass
        http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
        """

    /// The real URLSession probe, counting its requests.
    struct CountingProbe: HTTPProbe {
        let inner = URLSessionProbe()
        let counter = Counter()
        func status(of url: URL, timeout: TimeInterval) async -> Int? {
            _ = counter.tick()
            return await inner.status(of: url, timeout: timeout)
        }
        func get(_ url: URL, timeout: TimeInterval) async -> (status: Int, body: String, seconds: Double)? {
            _ = counter.tick()
            return await inner.get(url, timeout: timeout)
        }
    }

    @Test("while a slow start is probed every 50 ms, `alive` (an engine call for containers) is asked about every 0.5 s")
    func aliveIsThrottled() async throws {
        let port = try PrefectServer.freePort()
        let tree = try TemporaryTree(["server.py": Self.slowServer])
        let server = try ProcessSupervisor.start(argv: ["python3", "server.py", String(port)], directory: tree.root,
                                                 environment: ["PATH": "/usr/bin:/bin"], logPath: tree.path("server.log"))
        let record = ProcessRecord(deployment: "t", release: "r1", pid: server.pid, startTicks: server.startTicks, port: port, startedAt: Date(), log: "")
        defer { ProcessSupervisor.stop(record, grace: 2) }
        let alive = Counter()
        let probe = CountingProbe()
        let gate = HealthGate(http: probe, runner: ProcessCommandRunner())
        // A generous deadline: on a busy test machine the cooperative pool may run this late.
        let failure = await gate.wait(deployment: "t", health: .object(["path": .string("/"), "timeout": .int(60)]), port: port,
                                      directory: tree.root, alive: { alive.tick() })
        #expect(failure == nil)
        // Unthrottled, alive would be asked once per probe; throttled, about once per ten.
        #expect(probe.counter.count >= 6, "only \(probe.counter.count) probes")
        #expect(alive.count >= 2 && alive.count * 3 <= probe.counter.count + 3, "alive asked \(alive.count) times for \(probe.counter.count) probes")
    }

    @Test("a process that stops running fails the gate within the alive interval, with the last observation")
    func crashFailsFast() async throws {
        let counter = Counter()
        counter.running = false
        let gate = HealthGate(http: URLSessionProbe(), runner: ProcessCommandRunner())
        let port = try PrefectServer.freePort()
        let failure = await gate.wait(deployment: "t", health: .object(["path": .string("/"), "timeout": .int(10)]), port: port,
                                      directory: "/tmp", alive: { counter.tick() })
        #expect(failure?.observed.hasPrefix("process exited") == true, "\(String(describing: failure))")
        #expect(counter.count == 1)
    }
}
