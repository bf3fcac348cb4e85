import CrankTestSupport
import Foundation
import Testing

/// A `target: container` project served by busybox httpd from the local base image
/// (`localhost/crank-busybox:latest`, built by `make container-tools`), in its own git repo so
/// every commit is a new image. Real podman; unique project name and port per fixture.
final class ContainerProject: @unchecked Sendable {
    let tree: TemporaryTree
    let port: Int
    let project: String
    let token = "tok-\(UUID().uuidString)"
    static let conf = Checkout.root + "/deployment/podman/containers.conf"

    init(strategy: String = "recreate", keepImages: Int = 5) throws {
        port = try PrefectServer.freePort()
        project = "ct" + UUID().uuidString.lowercased().prefix(8).filter(\.isLetter) + String(port)
        tree = try TemporaryTree([
            ".gitignore": ".crank/\n",
            ".containerignore": "notes\n",
            "notes/private.txt": "not for images",
            "www/health": "ok\n",
            "www/index.html": "v1",
            "crank.yaml": """
                project: \(project)
                deployments:
                  web:
                    kind: container
                    command: [httpd, -f, -p, "\(port)", -h, /app/www]
                    port: \(port)
                    env: {GREETING: hello}
                    secrets: [WEB_TOKEN]
                    health: {path: /health, timeout: 10}
                    resources: {memory: 64m}
                environments:
                  prod:
                    target: container
                    container: {engine: podman, base_image: "localhost/crank-busybox:latest", keep_images: \(keepImages), strategy: \(strategy)}
                """,
        ])
        try git(["init", "-q"])
        try commit("v1")
    }

    var repository: String { "localhost/\(project)-web" }

    func git(_ arguments: [String]) throws {
        let output = try ProcessRunner.run("/usr/bin/git", ["-C", tree.root, "-c", "user.email=t@example.com", "-c", "user.name=t"] + arguments)
        guard output.status == 0 else { throw TestFailure("git \(arguments): \(output.stderr)") }
    }

    /// Commits the tree with `index` as the page (and, unless `healthy`, without /health).
    func commit(_ index: String, healthy: Bool = true) throws {
        try tree.write("www/index.html", index)
        if healthy { try tree.write("www/health", "ok\n") } else { try? FileManager.default.removeItem(atPath: tree.path("www/health")) }
        try git(["add", "-A"])
        try git(["commit", "-qm", index])
    }

    func crank(_ arguments: [String], _ environment: [String: String] = [:]) throws -> ProcessOutput {
        var env = ["WEB_TOKEN": token, "CONTAINERS_CONF": Self.conf]
        env.merge(environment) { _, new in new }
        return try ProcessRunner.crank(arguments + ["-C", tree.root], environment: env)
    }

    func podman(_ arguments: [String]) throws -> ProcessOutput {
        try ProcessRunner.run("/usr/bin/podman", arguments, environment: ["CONTAINERS_CONF": Self.conf])
    }

    func page() -> String? {
        let answer = RawHTTP.get(port: port, timeout: 5)
        return answer.status == 200 ? answer.body : nil
    }

    func imageExists(_ tag: String) throws -> Bool {
        try podman(["image", "exists", "\(repository):\(tag)"]).status == 0
    }

    /// "NAME STATE" (running, exited, …) of every container of the project.
    func containers() throws -> [String] {
        let names = try podman(["ps", "-a", "--filter", "label=crank.project=\(project)", "--format", "{{.Names}}"]).stdout.split(separator: "\n")
        return try names.map { name in
            "\(name) " + (try podman(["inspect", "--format", "{{.State.Status}}", String(name)]).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        }.sorted()
    }

    func history() throws -> [[String: Any]] {
        let output = try crank(["history", "--env", "prod", "--json"])
        return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]])
    }

    /// Removes what the fixture made: containers (crank clean), then every tag of its repository.
    func cleanUp() {
        _ = try? crank(["clean", "--env", "prod", "--yes"])
        for name in (try? podman(["ps", "-a", "-q", "--filter", "label=crank.project=\(project)"]).stdout.split(separator: "\n")) ?? [] {
            _ = try? podman(["rm", "-f", String(name)])
        }
        let tags = (try? podman(["images", "--format", "{{.Repository}}:{{.Tag}}", repository]).stdout) ?? ""
        for tag in tags.split(separator: "\n") where tag.hasPrefix(repository + ":") { _ = try? podman(["rmi", "-f", String(tag)]) }
    }
}

extension ContainerSuites {
    @Suite("Container target on real podman", .serialized)
    struct ContainerTargetTests {
        @Test("build → run → health → live: labels, release tags, status from the engine, secrets only inside the container")
        func deployGoesLive() throws {
            let fixture = try ContainerProject()
            defer { fixture.cleanUp() }
            let deploy = try fixture.crank(["deploy", "--env", "prod", "--reason", "first"])
            #expect(deploy.status == 0, "\(deploy.stdout)\(deploy.stderr)")
            #expect(fixture.page() == "v1")
            let name = "\(fixture.project)-web-r1"
            #expect(try fixture.imageExists("r1"))
            let labels = try fixture.podman(["inspect", "--format", "{{json .Config.Labels}}", name]).stdout
            for label in ["\"crank.project\":\"\(fixture.project)\"", "\"crank.environment\":\"prod\"", "\"crank.deployment\":\"web\"", "\"crank.release\":\"r1\"", "crank.git-sha"] {
                #expect(labels.contains(label), "\(labels)")
            }
            // The build context: the page is there; crank's state, git and what .containerignore lists are not.
            let listing = try fixture.podman(["exec", name, "ls", "-a", "/app"]).stdout.split(separator: "\n").map(String.init)
            #expect(listing.contains("www") && !listing.contains(".crank") && !listing.contains(".git") && !listing.contains("notes"), "\(listing)")
            // The limits and the restart policy from config reach the engine.
            let config = try fixture.podman(["inspect", "--format", "{{.HostConfig.Memory}} {{.HostConfig.RestartPolicy.Name}}", name]).stdout
            #expect(config.trimmingCharacters(in: .whitespacesAndNewlines) == "67108864 unless-stopped")

            // The secret arrives inside the container, and nowhere else: not in podman's recorded
            // argv (CreateCommand), not in crank's output, not in crank's state files.
            let inside = try fixture.podman(["exec", name, "sh", "-c", "echo $WEB_TOKEN $GREETING"]).stdout
            #expect(inside.trimmingCharacters(in: .whitespacesAndNewlines) == "\(fixture.token) hello")
            let argv = try fixture.podman(["inspect", "--format", "{{json .Config.CreateCommand}}", name]).stdout
            #expect(argv.contains("--env-file") && !argv.contains(fixture.token), "\(argv)")
            let status = try fixture.crank(["status", "--env", "prod", "--json"])
            let plan = try fixture.crank(["plan", "--env", "prod"])
            for output in [deploy, status, plan, try fixture.crank(["history", "--env", "prod"])] {
                #expect(!(output.stdout + output.stderr).contains(fixture.token))
            }
            let stateFiles = FileManager.default.enumerator(atPath: fixture.tree.path(".crank"))?.allObjects as? [String] ?? []
            #expect(!stateFiles.isEmpty)
            for file in stateFiles {
                let text = (try? String(contentsOfFile: fixture.tree.path(".crank/\(file)"), encoding: .utf8)) ?? ""
                #expect(!text.contains(fixture.token), "\(file)")
            }

            // status reads the engine: running, then exited after `podman stop` behind crank's back.
            let object = try status.jsonObject()
            let deployment = try #require((object["deployments"] as? [[String: Any]])?.first)
            #expect(deployment["state"] as? String == "running")
            #expect((deployment["health"] as? String)?.hasPrefix("passing") == true)
            _ = try fixture.podman(["stop", "-t", "1", name])
            let stopped = try fixture.crank(["status", "--env", "prod", "--json"]).jsonObject()
            let after = try #require((stopped["deployments"] as? [[String: Any]])?.first)
            #expect(after["state"] as? String == "exited")
            #expect((after["drift"] as? String)?.contains("exited") == true)
            // start brings it back through the gate.
            let start = try fixture.crank(["start", "--env", "prod", "web"])
            #expect(start.status == 0, "\(start.stdout)\(start.stderr)")
            #expect(fixture.page() == "v1")
        }

        @Test("a broken image fails the gate: the old container serves again, the failed one is kept stopped for its logs")
        func brokenImageKeepsOld() throws {
            let fixture = try ContainerProject()
            defer { fixture.cleanUp() }
            #expect(try fixture.crank(["deploy", "--env", "prod"]).status == 0)
            try fixture.commit("v2", healthy: false)
            let broken = try fixture.crank(["deploy", "--env", "prod", "--reason", "broken"])
            #expect(broken.status == 1)
            #expect(broken.stderr.contains("release r2 failed: web http check observed HTTP 404"), "\(broken.stderr)")
            #expect(broken.stderr.contains("podman logs \(fixture.project)-web-r2"), "\(broken.stderr)")
            #expect(fixture.page() == "v1")
            let containers = try fixture.containers()
            #expect(containers.contains("\(fixture.project)-web-r1 running"), "\(containers)")
            #expect(containers.contains("\(fixture.project)-web-r2 exited"), "\(containers)")
            let history = try fixture.history()
            #expect(history.map { "\($0["id"] ?? "") \($0["status"] ?? "")" } == ["r2 failed", "r1 live"])
            // The next good deploy removes the failed container.
            try fixture.commit("v3")
            #expect(try fixture.crank(["deploy", "--env", "prod"]).status == 0)
            #expect(fixture.page() == "v3")
            #expect(try fixture.containers() == ["\(fixture.project)-web-r3 running"])
        }

        @Test("rollback starts a kept image; keep_images prunes older ones; asking for a pruned release lists what exists")
        func rollbackAndPrune() throws {
            let fixture = try ContainerProject(keepImages: 2)
            defer { fixture.cleanUp() }
            for version in ["v1", "v2", "v3"] {
                if version != "v1" { try fixture.commit(version) }
                let deploy = try fixture.crank(["deploy", "--env", "prod"])
                #expect(deploy.status == 0, "\(deploy.stdout)\(deploy.stderr)")
            }
            #expect(fixture.page() == "v3")
            #expect(try !fixture.imageExists("r1"))
            #expect(try fixture.imageExists("r2"))
            #expect(try fixture.imageExists("r3"))
            let back = try fixture.crank(["rollback", "--env", "prod"])
            #expect(back.status == 0, "\(back.stdout)\(back.stderr)")
            #expect(fixture.page() == "v2")
            #expect(try fixture.containers() == ["\(fixture.project)-web-r2 running"])
            let pruned = try fixture.crank(["rollback", "--env", "prod", "--to", "r1"])
            #expect(pruned.status != 0)
            #expect(pruned.stderr.contains("r1 cannot be restored") && pruned.stderr.contains("restorable releases: r3"), "\(pruned.stderr)")
            #expect(fixture.page() == "v2")
        }

        @Test("blue-green: the new color passes the gate before nginx switches; a request loop sees zero failures")
        func blueGreenSwitch() throws {
            let fixture = try ContainerProject(strategy: "blue-green")
            defer { fixture.cleanUp() }
            let first = try fixture.crank(["deploy", "--env", "prod"])
            #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
            #expect(fixture.page() == "v1")
            let loop = RequestLoop()
            loop.start(port: fixture.port)
            defer { loop.stop() }
            #expect(loop.wait { $0.count >= 20 })
            try fixture.commit("v2")
            let second = try fixture.crank(["deploy", "--env", "prod"])
            #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
            // A broken third release never gets traffic: the gate fails on its own port.
            try fixture.commit("v3", healthy: false)
            let broken = try fixture.crank(["deploy", "--env", "prod"])
            #expect(broken.status == 1)
            #expect(loop.wait { $0.seen["v2", default: 0] >= 20 })
            loop.stop()
            let result = loop.snapshot
            #expect(result.failures.isEmpty, "\(result.failures.prefix(5))")
            #expect(result.seen["v1", default: 0] > 0 && result.seen["v2", default: 0] > 0)
            #expect(result.seen["v3"] == nil)
            let running = try fixture.podman(["ps", "--filter", "label=crank.project=\(fixture.project)", "--format", "{{.Names}} {{.Labels}}"]).stdout
            #expect(running.contains("\(fixture.project)-web-r2") && running.contains("crank.color:green") && !running.contains("web-r1"), "\(running)")
            let status = try fixture.crank(["status", "--env", "prod", "--json"]).jsonObject()
            let deployment = try #require((status["deployments"] as? [[String: Any]])?.first)
            #expect(deployment["state"] as? String == "running")
            #expect(deployment["drift"] == nil || deployment["drift"] is NSNull, "\(deployment)")
            // restart restarts the serving container in place (same port, nginx's route still valid).
            let restart = try fixture.crank(["restart", "--env", "prod", "web"])
            #expect(restart.status == 0, "\(restart.stdout)\(restart.stderr)")
            #expect(restart.stdout.contains("restarted"), "\(restart.stdout)")
            #expect(fixture.page() == "v2")
            // (r3 failed its gate and is kept stopped for its logs.)
            #expect(try fixture.containers() == ["\(fixture.project)-web-r2 running", "\(fixture.project)-web-r3 exited"])
            // clean stops crank's nginx too.
            let pidFile = fixture.tree.path(".crank/state/proxy/prod/nginx.pid")
            let pid = try #require(Int32((try String(contentsOfFile: pidFile, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(try fixture.crank(["clean", "--env", "prod", "--yes"]).status == 0)
            // Gone, or a zombie nobody reaps (nginx's daemon is reparented to PID 1).
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            #expect(stat.isEmpty || stat.split(separator: ")").last?.split(separator: " ").first == "Z", "\(stat)")
            #expect(fixture.page() == nil)
        }

        @Test("engine: docker — a project without a .dockerignore naming .crank is refused before any build; doctor reports a docker that does not answer")
        func dockerContextGuard() throws {
            let fixture = try ContainerProject()
            defer { fixture.cleanUp() }
            let yaml = try String(contentsOfFile: fixture.tree.path("crank.yaml"), encoding: .utf8)
            try fixture.tree.write("crank.yaml", yaml.replacingOccurrences(of: "engine: podman", with: "engine: docker"))
            try fixture.git(["commit", "-qam", "docker"])
            let nowhere = ["DOCKER_HOST": "unix://\(fixture.tree.path("no-daemon.sock"))"]
            let deploy = try fixture.crank(["deploy", "--env", "prod"], nowhere)
            #expect(deploy.status == 1)
            #expect(deploy.stderr.contains("docker would copy .crank/ (secrets, state) into the image: add a .dockerignore"), "\(deploy.stderr)")
            #expect(deploy.stderr.contains("no container was stopped or started"), "\(deploy.stderr)")
            let doctor = try fixture.crank(["doctor", "--env", "prod"], nowhere)
            #expect(doctor.status != 0)
            #expect((doctor.stdout + doctor.stderr).contains("does not answer"), "\(doctor.stdout)\(doctor.stderr)")
        }

        @Test("an engine that does not answer `ps` is an error, never 'no containers': clean removes nothing and keeps the live release")
        func engineNotAnswering() throws {
            let fixture = try ContainerProject()
            defer { fixture.cleanUp() }
            #expect(try fixture.crank(["deploy", "--env", "prod"]).status == 0)
            // A podman in front of the real one that fails `ps` (as a wedged engine would).
            try fixture.tree.write("shim/podman", "#!/bin/sh\n[ \"$1\" = ps ] && { echo 'Error: engine wedged' >&2; exit 125; }\nexec /usr/bin/podman \"$@\"\n")
            chmod(fixture.tree.path("shim/podman"), 0o755)
            let path = fixture.tree.path("shim") + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
            let clean = try fixture.crank(["clean", "--env", "prod", "--yes"], ["PATH": path])
            #expect(clean.status == 1)
            #expect(clean.stderr.contains("nothing was removed") && clean.stderr.contains("engine wedged"), "\(clean.stderr)")
            #expect(try fixture.containers() == ["\(fixture.project)-web-r1 running"])
            #expect(try fixture.history().first?["status"] as? String == "live")
            let status = try fixture.crank(["status", "--env", "prod", "--json"], ["PATH": path])
            let deployment = try #require((try status.jsonObject()["deployments"] as? [[String: Any]])?.first)
            #expect(deployment["state"] as? String == "unknown")
        }
    }
}
