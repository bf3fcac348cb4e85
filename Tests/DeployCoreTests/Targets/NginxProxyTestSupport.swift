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
        while RawHTTP.get(port: port).body != name {
            guard ProcessSupervisor.isAlive(record), Date() < deadline else {
                stop()
                throw TestFailure("upstream \(name) did not answer on 127.0.0.1:\(port): \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
            }
            usleep(20_000)
        }
    }

    func stop() { ProcessSupervisor.stop(record, grace: 2) }
}
