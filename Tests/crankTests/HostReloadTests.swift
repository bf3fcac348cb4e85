import CrankTestSupport
import Foundation
import Testing

extension RealProcessSuites {
    @Suite("crank reload on hosts (real sshd)", .serialized)
    struct HostReloadTests {
        @Test("the same worker on two hosts takes the config over HTTP, a SIGHUP worker over SSH; the release is live, no drift")
        func twoHosts() async throws {
            let hosts = try SimulatedHosts(count: 2)
            let web = try PrefectServer.freePort()
            let hup = try PrefectServer.freePort()
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

            let reload = try await crank(["reload", "--env", "prod", "--json"], greeting: "salut")
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
            #expect(rows.count == 3)
            #expect(rows.allSatisfy { $0["drift"] == nil || $0["drift"] is NSNull }, "\(status.stdout)")
            #expect(try status.jsonObject()["live"] as? String == "r2")
        }
    }
}
