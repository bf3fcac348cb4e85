import CrankTestSupport
import Foundation
import Testing

extension RealProcessSuites {
    @Suite("crank reload on hosts (real sshd)", .serialized)
    struct HostReloadTests {
        @Test("the same worker on two hosts takes the config over HTTP, a SIGHUP worker over SSH; the release is live, no drift; a crank killed mid-reload is recovered from the live release")
        func twoHosts() async throws {
            let hosts = try SimulatedHosts(count: 2)
            let web = try PrefectServer.freePort()
            let hup = try PrefectServer.freePort()
            let slow = try PrefectServer.freePort()
            let entries = hosts.hosts.map { "      \($0.name): {address: \($0.address), port: \($0.port), user: root, root: \"\($0.root)/crank\"}" }
            let tree = try TemporaryTree(["worker.py": ReloadProject.worker, "crank.yaml": """
                project: hr
                deployments:
                  web:
                    command: [python3, worker.py]
                    port: \(web)
                    env: {PORT: "\(web)", GREETING: "${GREETING:-hello}"}
                    health: {path: /health, timeout: 15}
                    role: web
                    reload: {http: {path: /admin/config}}
                  hup:
                    command: [python3, worker.py]
                    port: \(hup)
                    env: {PORT: "\(hup)", GREETING: "${GREETING:-hello}"}
                    health: {path: /health, timeout: 15}
                    hosts: [host-1]
                    reload: {signal: HUP}
                  slow:
                    command: [python3, worker.py]
                    port: \(slow)
                    env: {PORT: "\(slow)", MODE: silent, GREETING: "${SLOW_GREETING:-hello}"}
                    health: {path: /health, timeout: 15}
                    hosts: [host-2]
                    reload: {http: {path: /admin/config}, timeout: 60s}
                environments:
                  prod:
                    target: local
                    hosts:
                \(entries.joined(separator: "\n"))
                    roles:
                      web: [host-1, host-2]
                    ssh: {identity_file: "\(hosts.identityFile)", known_hosts: "\(hosts.knownHostsFile)", max_parallel: 10}

                """])
            let root = tree.root
            func crank(_ arguments: [String], greeting: String = "hello") async throws -> ProcessOutput {
                try await ProcessRunner.offPool { try ProcessRunner.crank(arguments + ["-C", root], environment: ["GREETING": greeting]) }
            }
            func greeting(_ host: SimulatedHosts.Host, _ port: Int) -> String? {
                let answer = RawHTTP.get(address: host.address, port: port, timeout: 3)
                guard let data = answer.body?.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
                return object["greeting"] as? String
            }
            defer { _ = try? ProcessRunner.crank(["clean", "--env", "prod", "--yes", "-C", root]) }
            let deployed = try await crank(["deploy", "--env", "prod"])
            try #require(deployed.status == 0, "\(deployed.stderr)")

            let preview = try await crank(["reload", "--env", "prod", "--dry-run"], greeting: "salut")
            #expect(preview.status == 0, "\(preview.stderr)")
            #expect(preview.stdout.contains("host-2 pid"), "\(preview.stdout)")

            let reload = try await crank(["reload", "--env", "prod", "web", "hup", "--json"], greeting: "salut")
            #expect(reload.status == 0, "\(reload.stderr)")
            let report = try reload.jsonObject()
            let instances = try #require(report["instances"] as? [[String: Any]])
            #expect(instances.map { "\($0["deployment"] as? String ?? "") \(($0["instance"] as? String ?? "").prefix(6)) \($0["outcome"] as? String ?? "")" }
                    == ["web host-1 applied", "web host-2 applied", "hup host-1 applied"], "\(reload.stdout)")
            #expect(greeting(hosts.hosts[0], web) == "salut")
            #expect(greeting(hosts.hosts[1], web) == "salut")
            #expect(greeting(hosts.hosts[0], hup) == "salut", "the SIGHUP worker read the config file on its host")

            let status = try await crank(["status", "--env", "prod", "--json"], greeting: "salut")
            let rows = try #require(try status.jsonObject()["deployments"] as? [[String: Any]])
            #expect(rows.count == 4)
            #expect(rows.allSatisfy { $0["drift"] == nil || $0["drift"] is NSNull }, "\(status.stdout)")
            #expect(try status.jsonObject()["live"] as? String == "r2")

            // Killed once `web` on host-1 took r3's config while crank waits for `slow` on host-2.
            let killed = Process()
            killed.executableURL = URL(fileURLWithPath: ProcessRunner.crankPath)
            killed.arguments = ["reload", "--env", "prod", "web", "slow", "-C", root]
            killed.environment = ProcessInfo.processInfo.environment.merging(["GREETING": "ciao", "SLOW_GREETING": "ciao"]) { _, new in new }
            killed.standardOutput = FileHandle.nullDevice
            killed.standardError = FileHandle.nullDevice
            try killed.run()
            let deadline = Date().addingTimeInterval(30)
            while greeting(hosts.hosts[0], web) != "ciao", Date() < deadline { usleep(100_000) }
            #expect(greeting(hosts.hosts[0], web) == "ciao", "web on host-1 never applied")
            kill(killed.processIdentifier, SIGKILL)
            killed.waitUntilExit()
            let recovered = try await crank(["deploy", "--env", "prod", "--json"], greeting: "salut")
            #expect(recovered.status == 0, "\(recovered.stdout)\(recovered.stderr)")
            #expect(try recovered.jsonObject()["status"] as? String == "unchanged", "the live release is what crank.yaml says: \(recovered.stdout)\(recovered.stderr)")
            #expect(recovered.stderr.contains("recovered slow: restored r2"), "\(recovered.stderr)")
            #expect(greeting(hosts.hosts[0], web) == "salut", "web on host-1 runs a config no live release records")
            #expect(greeting(hosts.hosts[1], web) == "salut")
            let history = try await crank(["history", "--env", "prod", "--json"], greeting: "salut")
            let statuses = (try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])?.compactMap { $0["status"] as? String }
            #expect(statuses == ["interrupted", "live", "superseded"], "\(history.stdout)")
            let after = try await crank(["status", "--env", "prod", "--json"], greeting: "salut")
            let afterRows = try #require(try after.jsonObject()["deployments"] as? [[String: Any]])
            #expect(afterRows.allSatisfy { $0["drift"] == nil || $0["drift"] is NSNull }, "\(after.stdout)")
        }
    }
}
