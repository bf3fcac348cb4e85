import CrankTestSupport
import Foundation
import Testing

extension ContainerSuites {
    /// `crank reload` on real podman: two busybox httpd containers whose CGI scripts take the
    /// config (`apply` keeps the posted body in /dev/shm/applied.json) or never answer (`hang`).
    @Suite("crank reload on the container target (real podman)", .serialized)
    struct ContainerReloadTests {
        /// web's greeting comes from crank's environment (`GREETING`), so changing it changes
        /// the config and not the tree (whose revision names the image).
        static func yaml(_ fixture: ContainerProject, slowPort: Int, slowTimeout: String = "1s") -> String {
            func deployment(_ name: String, port: Int, script: String, timeout: String, env: String) -> String {
                """
                  \(name):
                    kind: container
                    command: [sh, -c, "httpd -p \(port) -h /app/www && trap 'exit 0' TERM && while true; do sleep 1; done"]
                    port: \(port)
                    env: \(env)
                    secrets: [WEB_TOKEN]
                    health: {path: /health, timeout: 10}
                    reload: {http: {method: POST, path: /cgi-bin/\(script)}, timeout: \(timeout)}

                """
            }
            return """
                project: \(fixture.project)
                deployments:
                \(deployment("web", port: fixture.port, script: "apply", timeout: "5s", env: "{GREETING: \"${GREETING}\", TOKEN_COPY: \"${WEB_TOKEN}\"}"))\
                \(deployment("slow", port: slowPort, script: "hang", timeout: slowTimeout, env: "{GREETING: \"${SLOW_GREETING:-hello}\"}"))\
                environments:
                  prod:
                    target: container
                    container: {engine: podman, base_image: "localhost/crank-busybox:latest", strategy: recreate}
                """
        }

        /// The fixture's containers and images, slow's included.
        static func cleanUp(_ fixture: ContainerProject) {
            fixture.cleanUp()
            let tags = (try? fixture.podman(["images", "--format", "{{.Repository}}:{{.Tag}}", "localhost/\(fixture.project)-slow"]).stdout) ?? ""
            for tag in tags.split(separator: "\n") { _ = try? fixture.podman(["rmi", "-f", String(tag)]) }
        }

        /// Writes the config and the CGI scripts (`hang` sleeps `hang` seconds), commits, deploys r1.
        static func deployFirst(_ fixture: ContainerProject, slowPort: Int, slowTimeout: String, hang: Int) throws {
            try fixture.tree.write("crank.yaml", yaml(fixture, slowPort: slowPort, slowTimeout: slowTimeout))
            try fixture.tree.write("www/cgi-bin/apply", "#!/bin/sh\ncat > /dev/shm/applied.json\nprintf 'Content-Type: application/json\\r\\n\\r\\n'\ncat /dev/shm/applied.json\n")
            try fixture.tree.write("www/cgi-bin/hang", "#!/bin/sh\nsleep \(hang)\n")
            for script in ["apply", "hang"] {
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fixture.tree.path("www/cgi-bin/\(script)"))
            }
            try fixture.commit("v1")
            let deploy = try fixture.crank(["deploy", "--env", "prod"], ["GREETING": "hello"])
            try #require(deploy.status == 0, "\(deploy.stdout)\(deploy.stderr)")
        }

        func applied(_ fixture: ContainerProject, _ container: String) throws -> [String: Any] {
            let text = try fixture.podman(["exec", container, "cat", "/dev/shm/applied.json"]).stdout
            return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
        }

        @Test("one container applies over HTTP, one never answers: timed out, exit 1, failed, reverted; then all apply: live, no drift, the next deploy is unchanged")
        func reloadContainers() throws {
            let fixture = try ContainerProject()
            let slowPort = try PrefectServer.freePort()
            defer { Self.cleanUp(fixture) }
            try Self.deployFirst(fixture, slowPort: slowPort, slowTimeout: "1s", hang: 30)
            let web = "\(fixture.project)-web-r1"
            let bonjour = ["GREETING": "bonjour"]

            // web applies, slow never answers: the whole reload fails and web gets hello back.
            let failed = try fixture.crank(["reload", "--env", "prod", "--json"], bonjour)
            #expect(failed.status == 1, "\(failed.stdout)\(failed.stderr)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(failed.stdout.utf8)) as? [String: Any], "\(failed.stdout)")
            #expect(report["status"] as? String == "failed" && report["release"] as? String == "r2")
            let outcomes = (report["instances"] as? [[String: Any]] ?? []).map { "\($0["deployment"] ?? "") \($0["outcome"] ?? "")" }.sorted()
            #expect(outcomes == ["slow timed-out", "web applied"], "\(failed.stdout)")
            // web answered with the config it was given: the new greeting, named as changed.
            let told = (report["instances"] as? [[String: Any]] ?? []).first { $0["deployment"] as? String == "web" }?["detail"] as? String ?? ""
            #expect(told.contains("\"GREETING\": \"bonjour\"") && told.contains("\"changed\": [\"GREETING\"]"), "\(told)")
            let reverted = (report["reverted"] as? [[String: Any]] ?? []).first { $0["deployment"] as? String == "web" }
            #expect(reverted?["outcome"] as? String == "applied", "\(failed.stdout)")
            let back = try applied(fixture, web)
            #expect((back["env"] as? [String: Any])?["GREETING"] as? String == "hello" && back["release"] as? String == "r1", "\(back)")
            // The secret-built value is named, never sent; nor printed.
            #expect((back["env_from_secrets"] as? [String]) == ["TOKEN_COPY"] && (back["env"] as? [String: Any])?["TOKEN_COPY"] == nil, "\(back)")
            #expect(!(failed.stdout + failed.stderr).contains(fixture.token))
            let history = try fixture.crank(["history", "--env", "prod", "--json"], bonjour)
            let statuses = (try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]] ?? []).map { $0["status"] as? String }
            #expect(statuses == ["failed", "live"], "\(history.stdout)")
            // slow was told and never confirmed: it keeps r2's name, shown as drift; web got its name back.
            let drifted = try fixture.crank(["status", "--env", "prod", "--json"], bonjour)
            let rows = (try JSONSerialization.jsonObject(with: Data(drifted.stdout.utf8)) as? [String: Any])?["deployments"] as? [[String: Any]] ?? []
            let drift = Dictionary(uniqueKeysWithValues: rows.map { ($0["name"] as? String ?? "", $0["drift"] as? String) })
            #expect(drift["slow"] == "runs \(fixture.project)-slow-r2, live is r1", "\(drifted.stdout)")
            #expect(drift["web"] == .some(nil), "\(drifted.stdout)")

            // Only web this time: it applies; the new release is live and owns both containers.
            let reload = try fixture.crank(["reload", "--env", "prod", "web"], bonjour)
            #expect(reload.status == 0, "\(reload.stdout)\(reload.stderr)")
            let renamed = "\(fixture.project)-web-r3"
            let now = try applied(fixture, renamed)
            #expect((now["env"] as? [String: Any])?["GREETING"] as? String == "bonjour" && now["release"] as? String == "r3", "\(now)")
            #expect(now["changed"] as? [String] == ["GREETING"], "\(now)")
            #expect(try fixture.containers() == ["\(fixture.project)-slow-r3 running", "\(renamed) running"])
            #expect(try fixture.imageExists("r3"))
            let status = try fixture.crank(["status", "--env", "prod", "--json"], bonjour)
            let statusJSON = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any], "\(status.stdout)")
            #expect(statusJSON["live"] as? String == "r3")
            for deployment in statusJSON["deployments"] as? [[String: Any]] ?? [] {
                #expect(deployment["state"] as? String == "running" && (deployment["drift"] == nil || deployment["drift"] is NSNull), "\(deployment)")
            }
            let again = try fixture.crank(["deploy", "--env", "prod", "--json"], bonjour)
            #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
            let outcome = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any], "\(again.stdout)")
            #expect(outcome["status"] as? String == "unchanged" && outcome["release"] as? String == "r3", "\(again.stdout)")

            // A deploy that changes web only: slow keeps running under r3's name with the spec r4
            // still has — not drift.
            let hola = try fixture.crank(["deploy", "--env", "prod"], ["GREETING": "hola"])
            #expect(hola.status == 0, "\(hola.stdout)\(hola.stderr)")
            #expect(try fixture.containers() == ["\(fixture.project)-slow-r3 running", "\(fixture.project)-web-r4 running"])
            let partial = try fixture.crank(["status", "--env", "prod", "--json"], ["GREETING": "hola"])
            let partialRows = (try JSONSerialization.jsonObject(with: Data(partial.stdout.utf8)) as? [String: Any])?["deployments"] as? [[String: Any]] ?? []
            #expect(partialRows.count == 2 && partialRows.allSatisfy { $0["drift"] == nil || $0["drift"] is NSNull }, "\(partial.stdout)")
        }

        @Test("crank killed mid-reload: the next locked command replaces every container it told from the live release's image")
        func killedMidReload() throws {
            let fixture = try ContainerProject()
            let slowPort = try PrefectServer.freePort()
            defer { Self.cleanUp(fixture) }
            try Self.deployFirst(fixture, slowPort: slowPort, slowTimeout: "60s", hang: 90)

            let reload = try fixture.spawn(["reload", "--env", "prod"], ["GREETING": "bonjour", "SLOW_GREETING": "salut"])
            // Killed once web took the new config (under r2's name) while crank waits for slow.
            let told = "\(fixture.project)-web-r2"
            let deadline = Date().addingTimeInterval(30)
            func greeting() -> String? {
                let text = (try? fixture.podman(["exec", told, "cat", "/dev/shm/applied.json"]).stdout) ?? ""
                let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
                return (object?["env"] as? [String: Any])?["GREETING"] as? String
            }
            while greeting() != "bonjour", Date() < deadline { usleep(200_000) }
            #expect(greeting() == "bonjour", "web never applied")
            kill(reload.processIdentifier, SIGKILL)
            reload.waitUntilExit()

            let next = try fixture.crank(["deploy", "--env", "prod", "--json"], ["GREETING": "hello"])
            #expect(next.status == 0, "\(next.stdout)\(next.stderr)")
            #expect(next.stderr.contains("marked interrupted"), "\(next.stderr)")
            #expect(try fixture.containers() == ["\(fixture.project)-slow-r1 running", "\(fixture.project)-web-r1 running"])
            for name in ["web", "slow"] {
                let env = try fixture.podman(["exec", "\(fixture.project)-\(name)-r1", "sh", "-c", "echo $GREETING; cat /dev/shm/applied.json 2>/dev/null"]).stdout
                #expect(env.trimmingCharacters(in: .whitespacesAndNewlines) == "hello", "\(name) runs a config no live release records: \(env)")
            }
            let history = try fixture.crank(["history", "--env", "prod", "--json"], ["GREETING": "hello"])
            let statuses = (try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]] ?? []).map { $0["status"] as? String }
            #expect(statuses == ["interrupted", "live"], "\(history.stdout)")
            let status = try fixture.crank(["status", "--env", "prod", "--json"], ["GREETING": "hello"])
            let rows = (try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["deployments"] as? [[String: Any]] ?? []
            #expect(rows.count == 2 && rows.allSatisfy { $0["drift"] == nil || $0["drift"] is NSNull }, "\(status.stdout)")
        }
    }
}
