import CrankTestSupport
import Foundation
import Testing

/// A project of small Python workers that take a config over HTTP or on SIGHUP and report,
/// on GET /, the config they run with (and the last payload they were given).
struct ReloadProject {
    static let worker = """
        import http.server, json, os, signal, sys, threading, time
        port, mode = int(os.environ["PORT"]), os.environ.get("MODE", "ok")
        state = {"greeting": os.environ.get("GREETING", ""), "release": os.environ.get("CRANK_RELEASE"), "payload": None}
        def apply(payload):
            state.update(greeting=payload["env"].get("GREETING", ""), release=payload["release"], payload=payload)
        def on_hup(*_):
            payload = json.load(open(os.environ["CRANK_CONFIG_FILE"]))
            apply(payload)
            with open(os.environ["CRANK_CONFIG_APPLIED_FILE"], "w") as out:
                out.write(payload["release"])
        if mode == "deaf":
            signal.signal(signal.SIGHUP, signal.SIG_IGN)
        elif "CRANK_CONFIG_FILE" in os.environ:
            signal.signal(signal.SIGHUP, on_hup)
        class Handler(http.server.BaseHTTPRequestHandler):
            def reply(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            def do_GET(self):
                self.reply(200, state)
            def do_POST(self):
                payload = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                if mode == "silent":
                    time.sleep(60)
                    return
                if mode == "reject":
                    return self.reply(422, {"error": "this worker takes no config updates"})
                apply(payload)
                self.reply(200, {"applied": payload["release"], "greeting": state["greeting"]})
            def log_message(self, *args):
                pass
        server = http.server.ThreadingHTTPServer((os.environ.get("HOST", "127.0.0.1"), port), Handler)
        server.daemon_threads = True
        signal.signal(signal.SIGTERM, lambda *a: threading.Thread(target=server.shutdown).start())
        server.serve_forever()
        """

    let tree: TemporaryTree
    let ports: [String: Int]
    let token = "tok-\(UUID().uuidString)"

    /// `deployments`: name → (mode, reload settings or nil for none).
    init(_ deployments: [(name: String, mode: String, reload: String?)]) throws {
        var ports: [String: Int] = [:]
        var yaml = """
            project: r
            environments:
              dev: {target: local}
            deployments:

            """
        for deployment in deployments {
            let port = try PrefectServer.freePort()
            ports[deployment.name] = port
            yaml += """
                  \(deployment.name):
                    command: [python3, worker.py]
                    port: \(port)
                    env: {PORT: "\(port)", MODE: \(deployment.mode), GREETING: "${GREETING:-hello}"}
                    health: {path: /health, timeout: 15}
                    secrets: [API_TOKEN]

                """
            if let reload = deployment.reload { yaml += "    reload: \(reload)\n" }
        }
        self.ports = ports
        tree = try TemporaryTree(["worker.py": Self.worker, "crank.yaml": yaml])
    }

    func crank(_ arguments: [String], greeting: String = "hello") throws -> ProcessOutput {
        try ProcessRunner.crank(arguments + ["-C", tree.root], environment: ["API_TOKEN": token, "GREETING": greeting])
    }

    /// What the worker reports on GET /.
    func state(_ name: String) -> [String: Any]? {
        guard let port = ports[name], let data = try? Data(contentsOf: URL(string: "http://127.0.0.1:\(port)/")!) else { return nil }
        return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    }

    func history() throws -> [[String: Any]] {
        let output = try crank(["history", "--env", "dev", "--json"])
        return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]])
    }

    func cleanUp() {
        _ = try? crank(["clean", "--env", "dev", "--yes"])
    }
}

extension RealProcessSuites {
    @Suite("crank reload on the local target (real processes)", .serialized)
    struct ReloadCommandTests {
        static let http = "{http: {method: POST, path: /admin/config}}"

        @Test("a reload reaches two HTTP workers and a SIGHUP one in place, restarts one without reload:, and records a live config-only release")
        func applied() throws {
            let project = try ReloadProject([("worker-a", "ok", Self.http), ("worker-b", "ok", Self.http),
                                             ("hup", "ok", "{signal: HUP}"), ("plain", "ok", nil)])
            defer { project.cleanUp() }
            let deployed = try project.crank(["deploy", "--env", "dev"])
            try #require(deployed.status == 0, "\(deployed.stderr)")
            let pids = Dictionary(uniqueKeysWithValues: ["worker-a", "worker-b", "hup", "plain"].map { ($0, project.state($0)?["greeting"] as? String) })
            #expect(pids.values.allSatisfy { $0 == "hello" })

            let preview = try project.crank(["reload", "--env", "dev", "--dry-run"], greeting: "bonjour")
            #expect(preview.status == 0, "\(preview.stderr)")
            #expect(preview.stdout.contains("http POST /admin/config") && preview.stdout.contains("signal HUP") && preview.stdout.contains("restart"))
            #expect(project.state("worker-a")?["greeting"] as? String == "hello", "a dry run changed nothing")

            let reload = try project.crank(["reload", "--env", "dev", "--json", "--reason", "say bonjour"], greeting: "bonjour")
            #expect(reload.status == 0, "\(reload.stderr)")
            let report = try reload.jsonObject()
            #expect(report["status"] as? String == "applied")
            #expect(report["release"] as? String == "r2")
            let instances = try #require(report["instances"] as? [[String: Any]])
            #expect(instances.map { $0["deployment"] as? String } == ["worker-a", "worker-b", "hup", "plain"])
            #expect(instances.map { $0["outcome"] as? String } == ["applied", "applied", "applied", "applied"])
            #expect(instances.map { $0["method"] as? String } == ["http POST /admin/config", "http POST /admin/config", "signal HUP", "restart"])

            // Each worker reports the new config; the in-place ones kept their process.
            for name in ["worker-a", "worker-b", "hup"] {
                let state = project.state(name)
                #expect(state?["greeting"] as? String == "bonjour", "\(name): \(String(describing: state))")
                #expect(state?["release"] as? String == "r2", "\(name)")
                let payload = try #require(state?["payload"] as? [String: Any], "\(name) got no payload")
                #expect(payload["changed"] as? [String] == ["GREETING"])
                #expect(payload["secrets"] as? [String] == ["API_TOKEN"])
                let received = String(decoding: try JSONSerialization.data(withJSONObject: payload), as: UTF8.self)
                #expect(!received.contains(project.token), "\(name) was sent a secret's value")
            }
            #expect(project.state("plain")?["greeting"] as? String == "bonjour", "restarted with the new env")
            #expect(!reload.stdout.contains(project.token) && !reload.stderr.contains(project.token))
            let payloadFile = try String(contentsOfFile: project.tree.path(".crank/run/dev/config/hup.json"), encoding: .utf8)
            #expect(!payloadFile.contains(project.token), "the secret's value is never in the payload")

            let history = try project.history()
            #expect(history.first?["id"] as? String == "r2")
            #expect(history.first?["status"] as? String == "live")
            #expect((history.first?["reason"] as? String)?.contains("config reload: say bonjour") == true)
            #expect(history.dropFirst().first?["status"] as? String == "superseded")
            // What runs is what the live release records: no drift, and nothing to deploy.
            let status = try project.crank(["status", "--env", "dev", "--json"], greeting: "bonjour")
            let statuses = try #require(try status.jsonObject()["deployments"] as? [[String: Any]])
            #expect(statuses.allSatisfy { $0["drift"] == nil || $0["drift"] is NSNull }, "\(status.stdout)")
            #expect(statuses.compactMap { $0["name"] as? String }.sorted() == ["hup", "plain", "worker-a", "worker-b"])
            let redeploy = try project.crank(["deploy", "--env", "dev", "--json"], greeting: "bonjour")
            #expect(try redeploy.jsonObject()["status"] as? String == "unchanged", "\(redeploy.stdout)")

            // A change beyond config (the command) is a deploy: refused, nothing recorded or told.
            let yaml = try String(contentsOfFile: project.tree.path("crank.yaml"), encoding: .utf8)
            try project.tree.write("crank.yaml", yaml.replacingOccurrences(of: "command: [python3, worker.py]", with: "command: [python3, -u, worker.py]"))
            let refused = try project.crank(["reload", "--env", "dev", "worker-a"], greeting: "hola")
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("'worker-a' changed more than its config: argv"), "\(refused.stderr)")
            #expect(refused.stderr.contains("crank deploy --env dev --only worker-a"))
            #expect(project.state("worker-a")?["greeting"] as? String == "bonjour")
            #expect(try project.history().first?["id"] as? String == "r2")
        }

        @Test("an instance that never answers times out, a 4xx rejects, a deaf one ignores SIGHUP: exit 1, typed results, release failed, config reverted")
        func notApplied() throws {
            let project = try ReloadProject([("good", "ok", Self.http), ("silent", "silent", "{http: {path: /admin/config}, timeout: 1s}"),
                                             ("picky", "reject", Self.http), ("deaf", "deaf", "{signal: HUP, timeout: 1s}"),
                                             ("fragile", "ok", "{signal: USR1}")])  // handles HUP only: USR1 kills it
            defer { project.cleanUp() }
            let deployed = try project.crank(["deploy", "--env", "dev"])
            try #require(deployed.status == 0, "\(deployed.stderr)")

            let reload = try project.crank(["reload", "--env", "dev", "--json"], greeting: "bonjour")
            #expect(reload.status == 1, "\(reload.stderr)")
            let report = try reload.jsonObject()
            #expect(report["status"] as? String == "failed")
            let instances = try #require(report["instances"] as? [[String: Any]])
            let outcomes = Dictionary(uniqueKeysWithValues: instances.map { ($0["deployment"] as? String ?? "", $0) })
            #expect(outcomes["good"]?["outcome"] as? String == "applied")
            #expect(outcomes["silent"]?["outcome"] as? String == "timed-out")
            #expect(outcomes["silent"]?["seconds"] as? Double == 1)
            #expect(outcomes["picky"]?["outcome"] as? String == "rejected")
            #expect(outcomes["picky"]?["status"] as? Int == 422)
            #expect((outcomes["picky"]?["detail"] as? String)?.contains("takes no config updates") == true)
            #expect(outcomes["deaf"]?["outcome"] as? String == "timed-out")
            #expect(outcomes["fragile"]?["outcome"] as? String == "unreachable")
            #expect((outcomes["fragile"]?["detail"] as? String)?.contains("exited on SIGUSR1") == true, "\(String(describing: outcomes["fragile"]))")
            // The one that applied was given the previous config back.
            let reverted = try #require(report["reverted"] as? [[String: Any]])
            #expect(reverted.first { $0["deployment"] as? String == "good" }?["outcome"] as? String == "applied")
            #expect(project.state("good")?["greeting"] as? String == "hello")
            #expect(project.state("good")?["release"] as? String == "r1")
            #expect(reverted.first { $0["deployment"] as? String == "fragile" } == nil, "nothing to give a config back to")

            // --no-rollback: the instance that applied keeps the new config; still failed, exit 1.
            let kept = try project.crank(["reload", "--env", "dev", "good", "picky", "--no-rollback"], greeting: "bonjour")
            #expect(kept.status == 1)
            #expect(kept.stderr.contains("1 of 2 instances did not apply the config: picky"), "\(kept.stderr)")
            #expect(project.state("good")?["greeting"] as? String == "bonjour")

            // Records say what may run: the one given its config back runs r1 again; the one that
            // kept r3's config (and the silent one, never confirmed) show as drift until a deploy.
            let status = try project.crank(["status", "--env", "dev", "--json"])
            let drift = Dictionary(uniqueKeysWithValues: try #require(try status.jsonObject()["deployments"] as? [[String: Any]])
                .map { ($0["name"] as? String ?? "", $0["drift"] as? String) })
            #expect(drift["good"] == "runs r3, live is r1", "\(status.stdout)")
            #expect(drift["silent"] == "runs r2, live is r1", "\(status.stdout)")
            #expect(drift["picky"] == .some(nil), "\(status.stdout)")

            let history = try project.history()
            #expect(history.map { $0["id"] as? String } == ["r3", "r2", "r1"])
            #expect(history.map { $0["status"] as? String } == ["failed", "failed", "live"])
            let reason = try #require(history[1]["reason"] as? String)
            #expect(reason.contains("silent timed out after 1s") && reason.contains("picky rejected (HTTP 422)"), "\(reason)")
        }

        @Test("an instance whose process record cannot be written is not told: unreachable, failed, nothing applied",
              .enabled(if: StateIntegrityTests.isRoot))
        func unrecordable() throws {
            let project = try ReloadProject([("w", "ok", Self.http)])
            defer { project.cleanUp() }
            let deployed = try project.crank(["deploy", "--env", "dev"])
            try #require(deployed.status == 0, "\(deployed.stderr)")
            // The run directory (process records) read-only: a bind mount remounted ro.
            let run = project.tree.path(".crank/run/dev")
            try #require(try ProcessRunner.run("/bin/mount", ["--bind", run, run]).status == 0)
            defer { _ = try? ProcessRunner.run("/bin/umount", [run]) }
            try #require(try ProcessRunner.run("/bin/mount", ["-o", "remount,ro,bind", run]).status == 0)
            let reload = try project.crank(["reload", "--env", "dev", "--json"], greeting: "bonjour")
            #expect(reload.status == 1, "\(reload.stdout)\(reload.stderr)")
            let instance = try #require((try reload.jsonObject()["instances"] as? [[String: Any]])?.first)
            #expect(instance["outcome"] as? String == "unreachable", "\(reload.stdout)")
            #expect((instance["detail"] as? String)?.contains("not told: its process record could not be written") == true, "\(reload.stdout)")
            #expect(project.state("w")?["greeting"] as? String == "hello", "the worker was told anyway")
        }

        @Test("a second reload meanwhile exits 3; crank killed mid-reload: the next locked command restarts every instance it told from the live release")
        func killedMidReload() throws {
            let project = try ReloadProject([("quick", "ok", Self.http), ("slow", "silent", "{http: {path: /admin/config}, timeout: 30s}")])
            defer { project.cleanUp() }
            let deployed = try project.crank(["deploy", "--env", "dev"])
            try #require(deployed.status == 0, "\(deployed.stderr)")

            let reload = Process()
            reload.executableURL = URL(fileURLWithPath: ProcessRunner.crankPath)
            reload.arguments = ["reload", "--env", "dev", "-C", project.tree.root]
            reload.environment = ProcessInfo.processInfo.environment.merging(["API_TOKEN": project.token, "GREETING": "bonjour"]) { _, new in new }
            reload.standardOutput = FileHandle.nullDevice
            reload.standardError = FileHandle.nullDevice
            try reload.run()
            // Killed once `quick` took the new config while crank still waits for `slow`.
            let deadline = Date().addingTimeInterval(20)
            while project.state("quick")?["greeting"] as? String != "bonjour", Date() < deadline { usleep(50_000) }
            #expect(project.state("quick")?["greeting"] as? String == "bonjour", "quick never applied")
            // A second reload meanwhile waits for nothing: the lock is held (exit 3, naming the holder).
            let second = try project.crank(["reload", "--env", "dev"], greeting: "hola")
            #expect(second.status == 3, "\(second.stderr)")
            #expect(second.stderr.contains("pid \(reload.processIdentifier)"), "\(second.stderr)")
            kill(reload.processIdentifier, SIGKILL)
            reload.waitUntilExit()

            // Until a locked command recovers, status does not claim r1's config for quick.
            let before = try project.crank(["status", "--env", "dev", "--json"])
            let drift = try #require(try before.jsonObject()["deployments"] as? [[String: Any]]).first { $0["name"] as? String == "quick" }?["drift"] as? String
            #expect(drift?.contains("runs r2, live is r1") == true, "\(before.stdout)")

            let next = try project.crank(["deploy", "--env", "dev", "--json"])
            #expect(next.status == 0, "\(next.stdout)\(next.stderr)")
            for name in ["quick", "slow"] {
                #expect(project.state(name)?["greeting"] as? String == "hello", "\(name) runs a config no live release records")
                #expect(project.state(name)?["release"] as? String == "r1", "\(name)")
            }
            let history = try project.history()
            #expect(history.map { $0["status"] as? String } == ["interrupted", "live"], "\(history)")
            let after = try project.crank(["status", "--env", "dev", "--json"])
            let statuses = try #require(try after.jsonObject()["deployments"] as? [[String: Any]])
            #expect(statuses.allSatisfy { $0["drift"] == nil || $0["drift"] is NSNull }, "\(after.stdout)")
        }
    }
}

@Suite("crank reload refusals (no processes)")
struct ReloadRefusalTests {
    @Test("reload before anything is deployed, or of an environment it does not reach, exits 1 with the fix")
    func refusals() throws {
        let project = try ReloadProject([("w", "ok", "{signal: HUP}")])
        let nothing = try project.crank(["reload", "--env", "dev"])
        #expect(nothing.status == 1)
        #expect(nothing.stderr.contains("nothing is deployed in dev"), "\(nothing.stderr)")
        #expect(nothing.stderr.contains("crank deploy --env dev"))
        let yaml = try String(contentsOfFile: project.tree.path("crank.yaml"), encoding: .utf8)
        try project.tree.write("crank.yaml", yaml.replacingOccurrences(of: "dev: {target: local}", with: "dev: {target: local}\n  box: {target: container}"))
        let container = try ProcessRunner.crank(["reload", "--env", "box", "--dry-run", "-C", project.tree.root], environment: ["API_TOKEN": project.token])
        #expect(container.status == 1)
        // `target: container` takes reloads now: it says what is missing, like the local target.
        #expect(container.stderr.contains("nothing is deployed in box"), "\(container.stderr)")
    }
}
