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

    /// Answers 503 to its first five requests, then 200: the count of probes is fixed, whatever
    /// the timing on a busy machine.
    static let slowServer = """
        import http.server, sys, threading
        lock, seen = threading.Lock(), [0]
        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                with lock:
                    seen[0] += 1
                    ready = seen[0] > 5
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

    @Test("while probes fail, `alive` (an engine call for containers) is asked once per aliveInterval, not once per probe")
    func aliveIsThrottled() async throws {
        let port = try PrefectServer.freePort()
        let tree = try TemporaryTree(["server.py": Self.slowServer])
        let server = try ProcessSupervisor.start(argv: ["python3", "server.py", String(port)], directory: tree.root,
                                                 environment: ["PATH": "/usr/bin:/bin"], logPath: tree.path("server.log"))
        let record = ProcessRecord(deployment: "t", release: "r1", pid: server.pid, startTicks: server.startTicks, port: port, startedAt: Date(), log: "")
        defer { ProcessSupervisor.stop(record, grace: 2) }
        let alive = Counter()
        let probe = CountingProbe()
        var gate = HealthGate(http: probe, runner: ProcessCommandRunner())
        // An interval longer than the test: alive is asked before the first probe and, unless
        // that was under a poll interval ago, once more before the pass — never per probe.
        gate.aliveInterval = 3600
        // A generous deadline: on a busy test machine the cooperative pool may run this late.
        let failure = await gate.wait(deployment: "t", health: .object(["path": .string("/"), "timeout": .int(60)]), port: port,
                                      directory: tree.root, alive: { alive.tick() })
        #expect(failure == nil)
        #expect(probe.counter.count >= 6, "only \(probe.counter.count) probes")
        #expect((1...2).contains(alive.count), "alive asked \(alive.count) times for \(probe.counter.count) probes")
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
