import CrankTestSupport
import Foundation
import Testing

/// Real processes on 127.0.0.1: a tiny stdlib HTTP service deployed by the built binary.
struct DeployProject {
    static let service = """
        import http.server, json, os, signal, sys, threading, time
        time.sleep(float(os.environ.get("SLOW_START", "0")))
        port, version = int(os.environ["PORT"]), os.environ.get("VERSION", "1")
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                failing = os.environ.get("FAIL_HEALTH") == "1" and self.path == "/health"
                body = json.dumps({"version": version, "token_set": bool(os.environ.get("API_TOKEN"))}).encode()
                self.send_response(503 if failing else 200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                sys.stderr.write("request %s\\n" % self.path)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        signal.signal(signal.SIGTERM, lambda *a: threading.Thread(target=server.shutdown).start())
        server.serve_forever()
        """

    let tree: TemporaryTree
    let web: Int
    let worker: Int
    let token = "tok-\(UUID().uuidString)"

    init() throws {
        web = try PrefectServer.freePort()
        worker = try PrefectServer.freePort()
        tree = try TemporaryTree([
            "service.py": Self.service,
            "crank.yaml": """
                project: t
                deployments:
                  web:
                    command: [python3, service.py]
                    port: \(web)
                    env: {PORT: "\(web)", VERSION: "${VERSION:-1}", SLOW_START: "${SLOW_START:-0}"}
                    health: {path: /health, timeout: "${WEB_TIMEOUT:-5}"}
                    secrets: [API_TOKEN]
                  worker:
                    command: ["${WORKER_CMD:-python3}", service.py]
                    port: \(worker)
                    env: {PORT: "\(worker)", VERSION: "${VERSION:-1}", FAIL_HEALTH: "${WORKER_FAIL:-0}"}
                    # 10 s: Python's start-up on a loaded 2-core CI machine; tests of a failing
                    # check shorten it with WORKER_TIMEOUT=8 (long enough for a loaded machine to start Python).
                    health: {path: /health, timeout: "${WORKER_TIMEOUT:-10}"}
                environments:
                  dev: {target: local}
                """,
        ])
    }

    func crank(_ arguments: [String], _ environment: [String: String] = [:]) throws -> ProcessOutput {
        var env = ["API_TOKEN": token]
        env.merge(environment) { _, new in new }
        return try ProcessRunner.crank(arguments + ["-C", tree.root], environment: env)
    }

    func version(_ port: Int) -> String? {
        guard let data = try? Data(contentsOf: URL(string: "http://127.0.0.1:\(port)/")!),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["version"] as? String
    }

    func history() throws -> [[String: Any]] {
        let output = try crank(["history", "--env", "dev", "--json"])
        return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]])
    }

    func cleanUp() {
        _ = try? crank(["clean", "--env", "dev", "--yes"])
    }
}

@Suite("crank deploy on the local target (real processes)", .serialized)
struct DeployCommandsTests {
    @Test("deploy → live → change → deploy: the new release serves and the old is superseded")
    func deployTwice() throws {
        let project = try DeployProject()
        defer { project.cleanUp() }
        let first = try project.crank(["deploy", "--env", "dev", "--reason", "first"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(project.version(project.web) == "1")
        let second = try project.crank(["deploy", "--env", "dev", "--json"], ["VERSION": "2"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try second.jsonObject()["status"] as? String == "live")
        #expect(project.version(project.web) == "2")
        #expect(try project.history().map { $0["status"] as? String } == ["live", "superseded"])
        let status = try project.crank(["status", "--env", "dev", "--json"], ["VERSION": "2"])
        #expect(status.status == 0)
        let deployments = try #require(try status.jsonObject()["deployments"] as? [[String: Any]])
        #expect(deployments.map { $0["state"] as? String } == ["running", "running"])
        #expect(deployments.map { $0["health"] as? String } == ["passing", "passing"])
    }

    @Test("a failed health check restores every changed deployment to the previous release, with the reason recorded")
    func failedHealth() throws {
        let project = try DeployProject()
        defer { project.cleanUp() }
        #expect(try project.crank(["deploy", "--env", "dev"]).status == 0)
        let failed = try project.crank(["deploy", "--env", "dev"], ["VERSION": "2", "WORKER_FAIL": "1", "WORKER_TIMEOUT": "12"])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("error: release r2 failed: worker http check observed HTTP 503, wanted HTTP 2xx within 12 s"))
        #expect(project.version(project.web) == "1")
        #expect(project.version(project.worker) == "1")
        let history = try project.history()
        #expect(history.map { $0["status"] as? String } == ["failed", "live"])
        let failure = try #require(history.first?["failure"] as? [String: String])
        #expect(failure == ["deployment": "worker", "check": "http", "observed": "HTTP 503", "threshold": "HTTP 2xx within 12 s"])
    }

    @Test("a deployment that cannot start restores the previous release")
    func failedStart() throws {
        let project = try DeployProject()
        defer { project.cleanUp() }
        #expect(try project.crank(["deploy", "--env", "dev"]).status == 0)
        let failed = try project.crank(["deploy", "--env", "dev", "--json"], ["WORKER_CMD": "no-such-interpreter", "VERSION": "3"])
        #expect(failed.status == 1)
        #expect((try failed.jsonObject()["failure"] as? [String: String])?["check"] == "start")
        #expect(project.version(project.web) == "1")
        #expect(project.version(project.worker) == "1")
    }

    @Test("manual rollback re-applies the previous release; one whose release directory is gone is refused with the list")
    func rollback() throws {
        let project = try DeployProject()
        defer { project.cleanUp() }
        #expect(try project.crank(["deploy", "--env", "dev"]).status == 0)
        #expect(try project.crank(["deploy", "--env", "dev"], ["VERSION": "2"]).status == 0)
        let back = try project.crank(["rollback", "--env", "dev"])
        #expect(back.status == 0, "\(back.stderr)")
        #expect(project.version(project.web) == "1")
        #expect(try project.history().map { $0["status"] as? String } == ["rolled-back", "live"])
        try FileManager.default.removeItem(atPath: project.tree.path(".crank/releases/dev/r2"))
        let refused = try project.crank(["rollback", "--env", "dev", "--to", "r2"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("error: release r2 cannot be restored"))
        #expect(refused.stderr.contains("hint: no release can be restored"))
    }

    @Test("a second deploy while one runs exits 3 naming the holder; with --lock-wait it waits and succeeds")
    func concurrentDeploys() async throws {
        let project = try DeployProject()
        defer { project.cleanUp() }
        async let slow = ProcessRunner.offPool { try project.crank(["deploy", "--env", "dev"], ["SLOW_START": "4", "WEB_TIMEOUT": "30"]) }
        // Wait until the first deploy holds the lock (not a fixed sleep: a loaded machine is slow),
        // polling and deploying again on one thread of its own (a busy cooperative pool is late).
        let lock = project.tree.path(".crank/state/dev/lock")
        let (held, second) = try await ProcessRunner.offPool { () throws -> (Bool, ProcessOutput) in
            for _ in 0..<400 where !FileManager.default.fileExists(atPath: lock) { usleep(50_000) }
            return (FileManager.default.fileExists(atPath: lock), try project.crank(["deploy", "--env", "dev"], ["SLOW_START": "4", "WEB_TIMEOUT": "30"]))
        }
        #expect(held, "the first deploy never took the lock")
        #expect(second.status == 3)
        #expect(second.stderr.contains("error: environment dev is locked by "))
        let waited = try project.crank(["deploy", "--env", "dev", "--lock-wait", "30s"], ["SLOW_START": "4", "WEB_TIMEOUT": "30"])
        #expect(waited.status == 0, "\(waited.stderr)")
        #expect(try await slow.status == 0)
    }

    @Test("kill -9 of crank mid-deploy leaves readable state; the next deploy takes over the stale lock and succeeds")
    func killedDeploy() async throws {
        let project = try DeployProject()
        defer { project.cleanUp() }
        #expect(try project.crank(["deploy", "--env", "dev"]).status == 0)
        for delay in [0.15, 0.6, 1.2] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ProcessRunner.crankPath)
            process.arguments = ["deploy", "--env", "dev", "-C", project.tree.root]
            process.environment = ProcessInfo.processInfo.environment.merging(["API_TOKEN": project.token, "VERSION": "\(delay)", "SLOW_START": "1"]) { _, new in new }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(try project.history().count >= 1)
            let next = try project.crank(["deploy", "--env", "dev"], ["VERSION": "after-\(delay)"])
            #expect(next.status == 0, "after kill at \(delay) s: \(next.stderr)")
            #expect(project.version(project.web) == "after-\(delay)")
        }
    }

    @Test("secrets reach the process but never output, logs, state or the audit log")
    func secrets() throws {
        let project = try DeployProject()
        defer { project.cleanUp() }
        var outputs = [try project.crank(["deploy", "--env", "dev", "--json"])]
        outputs.append(try project.crank(["deploy", "--env", "dev"], ["VERSION": "2", "WORKER_FAIL": "1", "WORKER_TIMEOUT": "3"]))
        outputs.append(try project.crank(["status", "--env", "dev", "--json"]))
        outputs.append(try project.crank(["history", "--env", "dev", "--json"]))
        let tokenSet = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(string: "http://127.0.0.1:\(project.web)/")!)) as? [String: Any]
        #expect(tokenSet?["token_set"] as? Bool == true)
        for output in outputs {
            #expect(!output.stdout.contains(project.token))
            #expect(!output.stderr.contains(project.token))
        }
        for file in FileManager.default.enumerator(atPath: project.tree.path(".crank"))!.compactMap({ $0 as? String }) {
            let contents = FileManager.default.contents(atPath: project.tree.path(".crank/" + file)) ?? Data()
            #expect(!String(decoding: contents, as: UTF8.self).contains(project.token), "\(file)")
        }
        let processes = try ProcessRunner.run("/bin/ps", ["-eo", "args"])
        #expect(!processes.stdout.contains(project.token))
    }
}
