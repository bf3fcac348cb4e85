import CrankTestSupport
import Foundation
import Testing

/// `target: local` with `hosts:` on three simulated machines: real sshd instances on
/// 127.0.0.2-4, each with its own host key and root directory; the service binds the host's own
/// address (crank passes it as HOST), so all three use the same port.
final class HostsProject: @unchecked Sendable {
    static let service = """
        import http.server, json, os, signal, sys, threading, time
        time.sleep(float(os.environ.get("SLOW_START", "0")))
        host, port, version = os.environ["HOST"], int(os.environ["PORT"]), os.environ.get("VERSION", "1")
        failing = os.environ.get("FAIL_HOST") == os.environ.get("CRANK_HOST")
        if os.environ.get("DETACH_HOST", "none") == os.environ.get("CRANK_HOST"):
            # The started process stays but serves nothing; a grandchild in a session of its own serves.
            if os.fork() > 0:
                while True:
                    time.sleep(1)
            os.setsid()
            if os.fork() > 0:
                os._exit(0)
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = json.dumps({"version": version, "host": os.environ.get("CRANK_HOST")}).encode()
                self.send_response(503 if failing and self.path == "/health" else 200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        server = http.server.ThreadingHTTPServer((host, port), Handler)
        signal.signal(signal.SIGTERM, lambda *a: threading.Thread(target=server.shutdown).start())
        server.serve_forever()
        """

    let hosts: SimulatedHosts
    let tree: TemporaryTree
    let port: Int

    init() throws {
        hosts = try SimulatedHosts(count: 3)
        port = try PrefectServer.freePort()
        tree = try TemporaryTree(["service.py": Self.service])
        try writeConfig(knownHosts: hosts.knownHostsFile)
    }

    /// `rollout`: the environment's `rollout:` value (none when nil).
    func writeConfig(knownHosts: String, rollout: String? = nil, healthTimeout: Int = 8) throws {
        let entries = hosts.hosts.map { host in
            "      \(host.name): {address: \(host.address), port: \(host.port), user: root, root: \"\(host.root)/crank\"}"
        }.joined(separator: "\n")
        try tree.write("crank.yaml", """
            project: hp
            deployments:
              web:
                command: [python3, service.py]
                port: \(port)
                env: {PORT: "\(port)", VERSION: "${VERSION:-1}", FAIL_HOST: "${FAIL_HOST:-none}", SLOW_START: "${SLOW_START:-0}", DETACH_HOST: "${DETACH_HOST:-none}"}
                health: {path: /health, timeout: \(healthTimeout)}
                role: web
            environments:
              prod:
                target: local
                hosts:
            \(entries)
                roles:
                  web: [\(hosts.hosts.map(\.name).joined(separator: ", "))]
                ssh: {identity_file: "\(hosts.identityFile)", known_hosts: "\(knownHosts)", max_parallel: 10}
            \(rollout.map { "    rollout: \($0)" } ?? "")

            """)
    }

    func run(_ arguments: [String], _ environment: [String: String] = [:]) async throws -> ProcessOutput {
        let root = tree.root
        return try await ProcessRunner.offPool { try ProcessRunner.crank(arguments + ["-C", root], environment: environment) }
    }

    /// The version each host serves (nil: nothing answers).
    func versions() -> [String?] {
        hosts.hosts.map { host in
            let answer = RawHTTP.get(address: host.address, port: port, timeout: 3)
            guard answer.status == 200, let body = answer.body, let data = body.data(using: .utf8),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            return object["version"] as? String
        }
    }

    /// The pid of the service on each host, by host name (`status --json`).
    func pids() async throws -> [String: Int] {
        let output = try await run(["status", "--env", "prod", "--json"])
        let rows = (try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])?["deployments"] as? [[String: Any]] ?? []
        return Dictionary(rows.compactMap { row in (row["host"] as? String).flatMap { host in (row["pid"] as? Int).map { (host, $0) } } },
                          uniquingKeysWith: { first, _ in first })
    }

    func history() async throws -> [String] {
        let output = try await run(["history", "--env", "prod", "--json"])
        let items = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]] ?? []
        return items.compactMap { $0["status"] as? String }
    }

    func cleanUp() {
        let root = tree.root
        _ = try? ProcessRunner.crank(["clean", "--env", "prod", "--yes", "-C", root])
    }
}

extension RealProcessSuites {
    @Suite("deploying to several hosts over SSH (real sshd)", .serialized)
    struct HostDeployTests {
        @Test("3 hosts: deploy, status per host, a failing gate on one host restores all three, rollback, clean")
        func threeHosts() async throws {
            let project = try HostsProject()
            defer { project.cleanUp() }
            let first = try await project.run(["deploy", "--env", "prod"])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(project.versions() == ["1", "1", "1"])
            let status = try await project.run(["status", "--env", "prod", "--json"])
            #expect(status.status == 0, "\(status.stdout)\(status.stderr)")
            let rows = try #require(try status.jsonObject()["deployments"] as? [[String: Any]])
            #expect(rows.compactMap { $0["host"] as? String } == ["host-1", "host-2", "host-3"])
            #expect(rows.allSatisfy { $0["state"] as? String == "running" && $0["health"] as? String == "passing" })

            let failed = try await project.run(["deploy", "--env", "prod"], ["VERSION": "2", "FAIL_HOST": "host-3"])
            #expect(failed.status == 1)
            #expect(failed.stderr.contains("web@host-3"), "\(failed.stderr)")
            #expect(project.versions() == ["1", "1", "1"], "every host goes back to the previous release")
            #expect(try await project.history() == ["failed", "live"])

            #expect(try await project.run(["deploy", "--env", "prod"], ["VERSION": "2"]).status == 0)
            #expect(project.versions() == ["2", "2", "2"])
            let back = try await project.run(["rollback", "--env", "prod"])
            #expect(back.status == 0, "\(back.stderr)")
            #expect(project.versions() == ["1", "1", "1"])

            let clean = try await project.run(["clean", "--env", "prod", "--yes"])
            #expect(clean.status == 0, "\(clean.stderr)")
            #expect(project.versions() == [nil, nil, nil])
        }

        @Test("rollout: batches change the hosts one after another; a failing canary stops the rollout before the other hosts are touched")
        func batchedRollout() async throws {
            let project = try HostsProject()
            defer { project.cleanUp() }
            try project.writeConfig(knownHosts: project.hosts.knownHostsFile, rollout: "{batch: 2, pause: 1s}")
            let started = Date()
            let batched = try await project.run(["deploy", "--env", "prod"], ["VERSION": "2"])
            #expect(batched.status == 0, "\(batched.stderr)")
            #expect(Date().timeIntervalSince(started) >= 1, "the pause between the two batches")
            #expect(project.versions() == ["2", "2", "2"])
            let progress = batched.stderr.split(separator: "\n").filter { $0.contains("web: deployed") }
            #expect(progress.count == 3 && progress.last?.contains("host-3 (batch 2/2)") == true, "\(batched.stderr)")

            try project.writeConfig(knownHosts: project.hosts.knownHostsFile, rollout: "{canary: 1, batch: 1}", healthTimeout: 3)
            let before = try await project.pids()
            let failed = try await project.run(["deploy", "--env", "prod"], ["VERSION": "3", "FAIL_HOST": "host-1"])
            #expect(failed.status == 1)
            #expect(failed.stderr.contains("web@host-1"), "\(failed.stderr)")
            #expect(project.versions() == ["2", "2", "2"], "the canary goes back to the previous release")
            let after = try await project.pids()
            #expect(before.count == 3 && after.count == 3, "\(before) \(after)")
            #expect(after["host-1"] != before["host-1"], "the canary was replaced, then restored")
            #expect(after["host-2"] == before["host-2"] && after["host-3"] == before["host-3"], "the later batches were never touched")
            #expect(failed.stdout.contains("not started"), "\(failed.stdout)")
        }

        @Test("an unreachable host fails the deploy before anything changes; an unknown host key names its fingerprint")
        func hostProblems() async throws {
            let project = try HostsProject()
            defer { project.cleanUp() }
            #expect(try await project.run(["deploy", "--env", "prod"]).status == 0)
            let second = project.hosts.hosts[1]
            project.hosts.stop(second)
            let refused = try await project.run(["deploy", "--env", "prod"], ["VERSION": "2"])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("host-2"), "\(refused.stderr)")
            #expect(project.versions()[0] == "1" && project.versions()[2] == "1", "nothing changed on the other hosts")
            try project.hosts.start(second)

            let partial = project.tree.path("partial_known_hosts")
            let lines = try String(contentsOfFile: project.hosts.knownHostsFile, encoding: .utf8).split(separator: "\n")
            try lines.filter { !$0.contains(project.hosts.hosts[2].address) }.joined(separator: "\n").write(toFile: partial, atomically: true, encoding: .utf8)
            try project.writeConfig(knownHosts: partial)
            let unknown = try await project.run(["deploy", "--env", "prod"], ["VERSION": "3"])
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("SHA256:"), "\(unknown.stderr)")
            #expect(project.versions() == ["1", "1", "1"])
            try project.writeConfig(knownHosts: project.hosts.knownHostsFile)
        }

        @Test("crank killed mid-rollout: the next deploy recovers every host, one process each")
        func killedMidRollout() async throws {
            let project = try HostsProject()
            defer { project.cleanUp() }
            #expect(try await project.run(["deploy", "--env", "prod"]).status == 0)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ProcessRunner.crankPath)
            process.arguments = ["deploy", "--env", "prod", "-C", project.tree.root]
            process.environment = ProcessInfo.processInfo.environment.merging(["VERSION": "2", "SLOW_START": "3"]) { _, new in new }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            try await Task.sleep(nanoseconds: 2_500_000_000)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let next = try await project.run(["deploy", "--env", "prod"], ["VERSION": "3"])
            #expect(next.status == 0, "\(next.stderr)")
            #expect(project.versions() == ["3", "3", "3"])
            #expect(try await project.history().filter { $0 == "live" }.count == 1)
            #expect(!(try await project.history()).contains("pending"))
        }
    }
}
