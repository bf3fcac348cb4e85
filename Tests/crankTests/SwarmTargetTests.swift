import CrankTestSupport
import Foundation
import Testing

extension ContainerSuites {
    /// `target: swarm` against a real dockerd in swarm mode on a private socket
    /// (scripts/swarm-tools.sh), images built by podman and loaded into it.
    @Suite("Swarm target on a real dockerd swarm", .serialized)
    struct SwarmTargetTests {
        @Test("crank build writes a deterministic stack.yml that docker stack config accepts, without secret values")
        func stackFile() async throws {
            try await ProcessRunner.offPool {
                let fixture = try SwarmProject()
                defer { fixture.cleanUp() }
                let first = try fixture.crank(["build", "--env", "cluster"])
                #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
                let path = fixture.tree.path(".crank/build/cluster/containers/stack.yml")
                let text = try String(contentsOfFile: path, encoding: .utf8)
                #expect(try fixture.crank(["build", "--env", "cluster"]).status == 0)
                #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
                #expect(!text.contains(fixture.token))
                for expected in ["replicas: 3", "crank.project: \"\(fixture.project)\"", "crank.environment: \"cluster\"", "crank.release:",
                                 "mode: \"host\"", "order: \"stop-first\"", "failure_action: \"rollback\"", "memory: \"64m\"", "healthcheck:",
                                 "source: \"\(fixture.stack)-WEB_TOKEN-", "external: true"] {
                    #expect(text.contains(expected), "stack.yml lacks \(expected)")
                }
                let config = try fixture.docker(["stack", "config", "-c", path])
                #expect(config.status == 0, "\(config.stderr)")
                #expect(config.stdout.contains("replicas: 3"))
            }
        }

        @Test("deploy with 3 replicas: every task runs the release and answers on its own port; secrets only inside the tasks")
        func deployThreeReplicas() async throws {
            try await ProcessRunner.offPool {
                let fixture = try SwarmProject()
                defer { fixture.cleanUp() }
                let deploy = try fixture.crank(["deploy", "--env", "cluster", "--reason", "first"])
                #expect(deploy.status == 0, "\(deploy.stdout)\(deploy.stderr)")
                #expect(try fixture.label(fixture.web, "crank.release") == "r1")
                #expect(try fixture.label(fixture.web, "crank.project") == fixture.project)
                #expect(try fixture.label(fixture.web, "crank.environment") == "cluster")
                let ports = try fixture.taskPorts()
                #expect(ports.count == 3, "\(ports)")
                for port in ports { #expect(fixture.page(port: port) == "v1", "task on :\(port)") }
                #expect(fixture.page(port: fixture.port) == "v1", "through crank's nginx")
                let status = try fixture.crank(["status", "--env", "cluster", "--json"])
                #expect(status.stdout.contains("3/3 replicas running"), "\(status.stdout)")

                // The secret is a Docker secret: in the task's process environment, nowhere in the
                // service spec, crank's output or crank's state.
                let container = try fixture.docker(["ps", "-q", "--filter", "label=com.docker.swarm.service.name=\(fixture.web)"]).stdout
                    .split(separator: "\n").first.map(String.init) ?? ""
                // PID 1 is the init (`init: true`); the service's own process is httpd.
                let script = "for p in /proc/[0-9]*; do [ \"$(cat $p/comm)\" = httpd ] && tr '\\0' '\\n' < $p/environ; done"
                let environ = try fixture.docker(["exec", container, "sh", "-c", script]).stdout
                #expect(environ.contains("WEB_TOKEN=\(fixture.token)") && environ.contains("GREETING=hello"))
                #expect(!(try fixture.inspect(fixture.web)).contains(fixture.token))
                #expect(try fixture.docker(["secret", "ls", "--filter", "label=crank.project=\(fixture.project)", "-q"]).stdout.split(separator: "\n").count == 1)
                for output in [deploy, status, try fixture.crank(["plan", "--env", "cluster"]), try fixture.crank(["history", "--env", "cluster"])] {
                    #expect(!(output.stdout + output.stderr).contains(fixture.token))
                }
                let files = FileManager.default.enumerator(atPath: fixture.tree.path(".crank"))?.allObjects as? [String] ?? []
                for file in files {
                    let text = (try? String(contentsOfFile: fixture.tree.path(".crank/\(file)"), encoding: .utf8)) ?? ""
                    #expect(!text.contains(fixture.token), "\(file) holds the secret")
                }

                // stop scales to 0, start back to the release's replicas.
                #expect(try fixture.crank(["stop", "--env", "cluster", "web"]).status == 0)
                #expect(try fixture.docker(["service", "inspect", "--format", "{{.Spec.Mode.Replicated.Replicas}}", fixture.web]).stdout.hasPrefix("0"))
                let start = try fixture.crank(["start", "--env", "cluster", "web"])
                #expect(start.status == 0, "\(start.stdout)\(start.stderr)")
                #expect(try fixture.taskPorts().count == 3)
            }
        }

        @Test("a start-first rolling update of 3 replicas behind crank's nginx fails no request")
        func rollingUpdateUnderLoad() async throws {
            try await ProcessRunner.offPool {
                let fixture = try SwarmProject(replicas: 3, order: "start-first")
                defer { fixture.cleanUp() }
                let first = try fixture.crank(["deploy", "--env", "cluster"])
                #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
                try fixture.commit("v2")
                let loop = RequestLoop()
                loop.start(port: fixture.port)
                defer { loop.stop() }
                #expect(loop.wait { $0.count >= 20 })
                let deploy = try fixture.crank(["deploy", "--env", "cluster", "--only", "web"])
                #expect(loop.wait { $0.seen["v2", default: 0] >= 20 })
                loop.stop()
                let result = loop.snapshot
                #expect(deploy.status == 0, "\(deploy.stdout)\(deploy.stderr)")
                #expect(result.failures.isEmpty, "\(result.failures.count) of \(result.count) requests failed: \(result.failures.prefix(5))")
                #expect(result.seen["v1", default: 0] > 0 && result.seen["v2", default: 0] > 0)
                #expect(fixture.page(port: fixture.port) == "v2")
                #expect(Set(try fixture.taskPorts().map { fixture.page(port: $0) }) == ["v2"])
            }
        }

        @Test("a broken release is rolled back: every service it changed runs the previous release's spec, recorded with its reason")
        func brokenReleaseRolledBack() async throws {
            try await ProcessRunner.offPool {
                let fixture = try SwarmProject(replicas: 2)
                defer { fixture.cleanUp() }
                #expect(try fixture.crank(["deploy", "--env", "cluster"]).status == 0)
                try fixture.commit("v2", healthy: false)
                let broken = try fixture.crank(["deploy", "--env", "cluster"])
                #expect(broken.status != 0)
                #expect(broken.stdout.contains("rollback"), "\(broken.stdout)\(broken.stderr)")
                #expect(try fixture.label(fixture.web, "crank.release") == "r1")
                #expect(try fixture.label("\(fixture.stack)_worker", "crank.release") == "r1")
                let ports = try fixture.taskPorts()
                #expect(ports.count == 2)
                for port in ports { #expect(fixture.page(port: port) == "v1") }
                let history = try fixture.history()
                let failed = try #require(history.first { $0["id"] as? String == "r2" })
                #expect(failed["status"] as? String == "failed")
                #expect(failed["failure"] != nil)
                #expect(history.first { $0["id"] as? String == "r1" }?["status"] as? String == "live")
                let status = try fixture.crank(["status", "--env", "cluster", "--json"])
                #expect(!status.stdout.contains("changed outside crank"), "\(status.stdout)")
            }
        }

        @Test("drift: a service changed by hand shows in status; rollback --to re-applies a kept release")
        func driftAndRollback() async throws {
            try await ProcessRunner.offPool {
                let fixture = try SwarmProject(replicas: 1)
                defer { fixture.cleanUp() }
                #expect(try fixture.crank(["deploy", "--env", "cluster"]).status == 0)
                try fixture.commit("v2")
                #expect(try fixture.crank(["deploy", "--env", "cluster"]).status == 0)
                #expect(fixture.page(port: try fixture.taskPorts().first ?? 0) == "v2")
                let clean = try fixture.crank(["status", "--env", "cluster", "--json"])
                #expect(!clean.stdout.contains("changed outside crank"), "\(clean.stdout)")
                let manual = try fixture.docker(["service", "update", "--detach", "--env-add", "HAND=1", "\(fixture.stack)_worker"])
                #expect(manual.status == 0, "\(manual.stderr)")
                let drifted = try fixture.crank(["status", "--env", "cluster", "--json"])
                #expect(drifted.stdout.contains("changed outside crank: env"), "\(drifted.stdout)")
                let rollback = try fixture.crank(["rollback", "--env", "cluster", "--to", "r1"])
                #expect(rollback.status == 0, "\(rollback.stdout)\(rollback.stderr)")
                #expect(try fixture.label(fixture.web, "crank.release") == "r1")
                #expect(fixture.page(port: try fixture.taskPorts().first ?? 0) == "v1")
                let after = try fixture.crank(["status", "--env", "cluster", "--json"])
                #expect(!after.stdout.contains("changed outside crank"), "\(after.stdout)")
            }
        }

        @Test("a crank killed mid-rollout is recovered by the next locked command: the services it applied get the live spec back")
        func killedDeployRecovered() async throws {
            try await ProcessRunner.offPool {
                let fixture = try SwarmProject(replicas: 2)
                defer { fixture.cleanUp() }
                #expect(try fixture.crank(["deploy", "--env", "cluster"]).status == 0)
                try fixture.commit("v2")
                let process = Process()
                process.executableURL = URL(fileURLWithPath: ProcessRunner.crankPath)
                process.arguments = ["deploy", "--env", "cluster", "-C", fixture.tree.root]
                process.environment = ProcessInfo.processInfo.environment.merging(fixture.crankEnvironment) { _, new in new }
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                // Killed once Swarm has the new spec (the stack was deployed), before it converged.
                let deadline = Date().addingTimeInterval(120)
                while Date() < deadline, (try? fixture.label(fixture.web, "crank.release")) != "r2" { usleep(100_000) }
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                #expect(try fixture.label(fixture.web, "crank.release") == "r2")
                let restart = try fixture.crank(["restart", "--env", "cluster", "worker"])
                #expect(restart.status == 0, "\(restart.stdout)\(restart.stderr)")
                #expect(restart.stderr.contains("recovered web: restored r1"), "\(restart.stderr)")
                #expect(try fixture.label(fixture.web, "crank.release") == "r1")
                for port in try fixture.taskPorts() { #expect(fixture.page(port: port) == "v1") }
                let history = try fixture.history()
                #expect(history.first { $0["id"] as? String == "r2" }?["status"] as? String == "interrupted")
            }
        }

        @Test("clean removes the services, secrets and network crank created, nothing else")
        func cleanOnlyCrank() async throws {
            try await ProcessRunner.offPool {
                let fixture = try SwarmProject(replicas: 1)
                defer { fixture.cleanUp() }
                #expect(try fixture.crank(["deploy", "--env", "cluster"]).status == 0)
                let other = "\(fixture.project)-other"
                #expect(try fixture.docker(["service", "create", "--detach", "--no-resolve-image", "--name", other, "--label", "crank.project=someone-else",
                                            "localhost/crank-busybox:latest", "sleep", "1000"]).status == 0)
                defer { _ = try? fixture.docker(["service", "rm", other]) }
                let clean = try fixture.crank(["clean", "--env", "cluster", "--yes"])
                #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
                #expect(try fixture.docker(["service", "ls", "-q", "--filter", "label=crank.project=\(fixture.project)"]).stdout.isEmpty)
                #expect(try fixture.docker(["secret", "ls", "-q", "--filter", "label=crank.project=\(fixture.project)"]).stdout.isEmpty)
                #expect(try fixture.docker(["service", "inspect", other]).status == 0)
                #expect(!(try fixture.history()).contains { $0["status"] as? String == "live" })
            }
        }
    }
}
