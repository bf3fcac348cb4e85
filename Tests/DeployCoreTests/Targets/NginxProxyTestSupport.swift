import CrankTestSupport
import Foundation
@testable import DeployCore
#if canImport(Glibc)
import Glibc
#endif

/// A real nginx proxy in a temporary prefix, real upstream servers, and a watchdog that stops
/// nginx (a daemon: it would outlive a crashed test process) if this process dies first.
final class ProxyFixture: @unchecked Sendable {
    let tree: TemporaryTree
    let proxy: NginxProxy
    private var servers: [NameServer] = []
    private let watchdog: ProcessRecord

    init() throws {
        guard let nginx = ExecutableLocator.find("nginx", path: (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin") else {
            throw TestFailure("nginx not found on PATH or in /usr/sbin; run `make test` (scripts/container-tools.sh installs nginx-light)")
        }
        tree = try TemporaryTree()
        proxy = NginxProxy(directory: tree.path(".crank/proxy/dev"), nginx: nginx, runner: ProcessCommandRunner())
        let script = "while kill -0 \"$1\" 2>/dev/null && [ -d \"$0\" ]; do sleep 0.5; done; "
            + "[ -f \"$0/nginx.pid\" ] && kill -TERM \"$(cat \"$0/nginx.pid\")\" 2>/dev/null; exit 0"
        let spawned = try ProcessSupervisor.start(argv: ["/bin/sh", "-c", script, proxy.directory, "\(getpid())"], directory: tree.root,
                                                  environment: ProcessInfo.processInfo.environment, logPath: tree.path("watchdog.log"))
        watchdog = ProcessRecord(deployment: "watchdog", release: "", pid: spawned.pid, startTicks: spawned.startTicks, startedAt: Date(), log: "")
    }

    func server(_ name: String) throws -> NameServer {
        let server = try NameServer(name: name, directory: tree.root)
        servers.append(server)
        return server
    }

    /// Stops nginx, the upstream servers and the watchdog; safe to call on any failure path.
    func close() {
        proxy.stop()
        servers.forEach { $0.stop() }
        ProcessSupervisor.stop(watchdog, grace: 2)
    }
}

/// A Python stdlib HTTP server on 127.0.0.1 that answers every GET with its name. It exits by
/// itself when its parent (this test process) is gone.
final class NameServer: @unchecked Sendable {
    let name: String
    let port: Int
    private let record: ProcessRecord

    static let script = """
        import http.server, os, sys, threading, time
        name, port, parent = sys.argv[1], int(sys.argv[2]), os.getppid()
        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True
            def do_GET(self):
                body = name.encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        class Server(http.server.ThreadingHTTPServer):
            request_queue_size = 128
            daemon_threads = True
        def orphaned():
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(0)
        threading.Thread(target=orphaned, daemon=True).start()
        Server(("127.0.0.1", port), Handler).serve_forever()
        """

    init(name: String, directory: String) throws {
        self.name = name
        port = try PrefectServer.freePort()
        let environment = ProcessInfo.processInfo.environment
        guard let python = ExecutableLocator.find("python3", path: environment["PATH"]) else { throw TestFailure("python3 not on PATH") }
        let log = "\(directory)/\(name).log"
        let spawned = try ProcessSupervisor.start(argv: [python, "-c", Self.script, name, "\(port)"], directory: directory,
                                                  environment: environment, logPath: log)
        record = ProcessRecord(deployment: name, release: "", pid: spawned.pid, startTicks: spawned.startTicks, startedAt: Date(), log: log)
        let deadline = Date().addingTimeInterval(30)
        while HTTPProbe.get(port: port).body != name {
            guard ProcessSupervisor.isAlive(record), Date() < deadline else {
                stop()
                throw TestFailure("upstream \(name) did not answer on 127.0.0.1:\(port): \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
            }
            usleep(20_000)
        }
    }

    func stop() { ProcessSupervisor.stop(record, grace: 2) }
}

/// One HTTP/1.1 GET on a fresh connection (`Connection: close`), raw sockets: no client library
/// retries or pools anything, so every failure shows.
enum HTTPProbe {
    struct Answer: Sendable {
        var status: Int?
        var body: String?
        var error: String?
    }

    static func get(port: Int, timeout: Int = 10) -> Answer {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return Answer(error: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return Answer(error: "connect: \(String(cString: strerror(errno)))") }
        let request = Array("GET / HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
        guard send(fd, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else {
            return Answer(error: "send: \(String(cString: strerror(errno)))")
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count == 0 { break }
            guard count > 0 else { return Answer(error: "recv: \(String(cString: strerror(errno)))") }
            response += buffer[0..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let head = text.range(of: "\r\n\r\n") else { return Answer(error: "incomplete response: \(text.prefix(200))") }
        let status = text.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) }
        return Answer(status: status, body: String(text[head.upperBound...]), error: status == nil ? "no status line" : nil)
    }
}

/// Sequential requests against the proxy on a background thread until stopped (or a hard cap),
/// counting answers per body and every failure (connection error or non-200).
final class RequestLoop: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    private var started = false
    private(set) var seen: [String: Int] = [:]
    private(set) var failures: [String] = []
    private(set) var count = 0
    private let done = DispatchSemaphore(value: 0)

    func start(port: Int, maxRequests: Int = 50_000, maxSeconds: TimeInterval = 120) {
        lock.lock()
        started = true
        lock.unlock()
        Thread { [self] in
            let deadline = Date().addingTimeInterval(maxSeconds)
            while !isStopped, snapshot.count < maxRequests, Date() < deadline {
                let answer = HTTPProbe.get(port: port)
                lock.lock()
                count += 1
                if answer.status == 200, let body = answer.body {
                    seen[body, default: 0] += 1
                } else {
                    failures.append(answer.error ?? "HTTP \(answer.status ?? 0): \(answer.body ?? "")")
                }
                lock.unlock()
            }
            done.signal()
        }.start()
    }

    var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }
    var snapshot: (count: Int, seen: [String: Int], failures: [String]) {
        lock.lock(); defer { lock.unlock() }
        return (count, seen, failures)
    }

    /// Stops the loop and waits for its last request.
    func stop() {
        lock.lock()
        let first = started && !stopped
        stopped = true
        lock.unlock()
        if first { done.wait() }
    }

    /// Waits until `condition` holds on the counters (or `timeout`).
    func wait(timeout: TimeInterval = 30, until condition: ((count: Int, seen: [String: Int], failures: [String])) -> Bool) -> Bool {
        NginxProcesses.wait(until: { condition(snapshot) }, timeout: timeout)
    }
}
