import CrankTestSupport
@testable import DeployCore
import Foundation
import Testing

/// `container: {engine: docker}`: the real docker CLI against podman's Docker API on a private
/// socket (`DOCKER_HOST`), and the Make targets for container environments.
extension ContainerSuites {
    @Suite("target: container with engine: docker (the docker CLI against podman's Docker API)")
    struct ContainerDockerCLITests {
        @Test("deploy, gate, status, a second release, rollback and clean all go through the docker CLI")
        func lifecycle() async throws {
            try await DockerAPIService.with { service in
                let project = try HttpdContainerProject(engine: "docker", environment: service.environment)
                defer { project.removeEverything() }
                let r1 = "\(project.name)-web-r1"

                let deploy = try await project.crank(["deploy", "--env", "prod", "--json"])
                #expect(deploy.status == 0, "\(deploy.stdout)\n\(deploy.stderr)")
                let first = try deploy.jsonObject()
                #expect(first["status"] as? String == "live" && first["release"] as? String == "r1", "\(first)")
                #expect(project.get("/") == "v1")
                #expect(project.get("/health") == "ok")
                // The engine's own view, through the docker CLI: crank's container with crank's labels.
                let listed = try service.docker(["ps", "--filter", "label=crank.project=\(project.name)", "--format", "{{.Names}} {{.Label \"crank.release\"}}"])
                #expect(listed.stdout == "\(r1) r1\n", "\(listed.stdout)\(listed.stderr)")

                var (live, web) = try await project.status()
                #expect(live == "r1")
                #expect(web?["state"] as? String == "running", "\(String(describing: web))")
                #expect(web?["drift"] is NSNull)
                #expect((web?["health"] as? String)?.hasPrefix("passing") == true, "\(String(describing: web))")
                // Stopped behind crank's back: status reports what the engine says, and `start` recovers.
                let stop = try service.docker(["stop", "-t", "1", r1])
                #expect(stop.status == 0, "\(stop.stderr)")
                (live, web) = try await project.status()
                #expect(web?["state"] as? String == "exited", "\(String(describing: web))")
                #expect((web?["drift"] as? String)?.hasPrefix("exited") == true, "\(String(describing: web))")
                let start = try await project.crank(["start", "--env", "prod", "--all"])
                #expect(start.status == 0, "\(start.stdout)\n\(start.stderr)")
                #expect(project.get("/") == "v1")

                try project.tree.write("www/index.html", "v2\n")
                try project.commit("v2")
                let second = try await project.crank(["deploy", "--env", "prod", "--json"])
                #expect(second.status == 0, "\(second.stdout)\n\(second.stderr)")
                #expect(try second.jsonObject()["release"] as? String == "r2")
                #expect(project.get("/") == "v2")
                let containers = try service.docker(["ps", "-a", "--filter", "label=crank.project=\(project.name)", "--format", "{{.Names}}"])
                #expect(containers.stdout == "\(project.name)-web-r2\n", "the recreate strategy removes r1's container")

                // The gate: a release whose /health is gone fails, and r2's container serves again.
                // 8 s: long enough for the container to answer (404) on a loaded machine.
                try project.tree.write("crank.yaml", project.config(healthTimeout: 8))
                try FileManager.default.removeItem(atPath: project.tree.path("www/health"))
                try project.commit("no health")
                let broken = try await project.crank(["deploy", "--env", "prod", "--json"])
                #expect(broken.status == 1, "\(broken.stdout)\n\(broken.stderr)")
                let failed = try broken.jsonObject()
                #expect(failed["status"] as? String == "failed")
                let failure = failed["failure"] as? [String: Any]
                #expect(failure?["check"] as? String == "http" && failure?["observed"] as? String == "HTTP 404", "\(failed)")
                #expect(project.get("/") == "v2")
                (live, web) = try await project.status()
                #expect(live == "r2" && web?["state"] as? String == "running", "\(String(describing: web))")

                let rollback = try await project.crank(["rollback", "--env", "prod"])
                #expect(rollback.status == 0, "\(rollback.stdout)\n\(rollback.stderr)")
                #expect(project.get("/") == "v1")
                #expect(try await project.history() == ["r1": "live", "r2": "rolled-back", "r3": "failed"])

                let clean = try await project.crank(["clean", "--env", "prod", "--yes"])
                #expect(clean.status == 0, "\(clean.stdout)\n\(clean.stderr)")
                let left = try service.docker(["ps", "-a", "--filter", "label=crank.project=\(project.name)", "--format", "{{.Names}}"])
                #expect(left.status == 0 && left.stdout.isEmpty, "\(left.stdout)")
                #expect(project.get("/") == nil)

                // Every engine call went to the docker CLI; podman was never asked.
                let calls = service.calls("docker")
                for expected in ["build -t localhost/\(project.name)-web:git-", "run -d --name \(r1) --env-file", "tag localhost/\(project.name)-web:",
                                 "stop -t", "rm -f \(r1)", "inspect --type container"] {
                    #expect(calls.contains { $0.hasPrefix(expected) }, "no `docker \(expected)…` in \(calls)")
                }
                #expect(service.calls("podman").isEmpty, "\(service.calls("podman"))")
            }
        }

        @Test("the docker CLI's short Docker Hub names still list a repository's tags, as podman's full ones do")
        func dockerHubTags() async throws {
            try await DockerAPIService.with { service in
                let id = "dk" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
                let docker = ContainerEngine(executable: "docker", runner: DaemonSafeCommandRunner(), environment: service.environment)
                var podmanEnvironment = ProcessInfo.processInfo.environment
                podmanEnvironment["CONTAINERS_CONF"] = DockerAPIService.containersConf
                let podman = ContainerEngine(executable: "podman", runner: DaemonSafeCommandRunner(), environment: podmanEnvironment)
                // A private image (never a tag of the shared base image), so removing tags is safe.
                let context = try TemporaryTree(["Containerfile": "FROM localhost/crank-busybox:latest\nLABEL crank.test=\(id)\n"])
                let own = "localhost/\(id):build"
                try docker.run(ShellCommand("docker", ["build", "-t", own, "-f", context.path("Containerfile"), context.root]))
                let hub = "docker.io/\(id)/app", library = "docker.io/library/\(id)"
                defer {
                    for reference in [own, hub + ":r1", hub + ":r2", library + ":r3"] { try? podman.removeImage(reference) }
                }
                for reference in [hub + ":r1", hub + ":r2", library + ":r3"] { try docker.tag(own, as: reference) }

                let printed = try service.docker(["images", "--format", "{{.Repository}}:{{.Tag}}", hub]).stdout
                #expect(printed.split(separator: "\n").contains("\(id)/app:r1"), "docker prints the short name: \(printed)")
                for engine in [docker, podman] {
                    #expect(try engine.tags(of: hub).sorted() == [hub + ":r1", hub + ":r2"], "\(engine.executable)")
                    #expect(try engine.tags(of: library) == [library + ":r3"], "\(engine.executable)")
                    #expect(try engine.tags(of: "localhost/\(id)") == [own], "\(engine.executable)")
                }
                for reference in try docker.tags(of: hub) { try docker.removeImage(reference) }
                #expect(try docker.tags(of: hub).isEmpty)
                #expect(try docker.tags(of: library) == [library + ":r3"])
                #expect(docker.imageExists("localhost/crank-busybox:latest"))
            }
        }

        @Test("make deploy-containers and make deploy-prod deploy a container environment with the shipped containers.conf")
        func makeTargets() async throws {
            let project = try HttpdContainerProject(engine: "podman", environment: ["CONTAINERS_CONF": DockerAPIService.containersConf])
            defer { project.removeEverything() }
            let make = { @Sendable (arguments: [String]) async throws -> ProcessOutput in
                try await ProcessRunner.offPool {
                    // Without CONTAINERS_CONF podman's defaults (crun) fail on these machines, so the
                    // deploy only works when the Make target sets it. Unset, not empty: make exports a
                    // variable that came from the environment with the Makefile's value.
                    try ProcessRunner.run("/usr/bin/env", ["-u", "CONTAINERS_CONF", "/usr/bin/make", "-s", "-C", Checkout.root, "-o", "build",
                                                           "BIN=\(ProcessRunner.crankPath)", "PROJECT=\(project.tree.root)"] + arguments)
                }
            }
            let containers = try await make(["deploy-containers", "ENV=prod"])
            #expect(containers.status == 0, "\(containers.stdout)\n\(containers.stderr)")
            #expect(project.get("/") == "v1")
            #expect(try await project.history() == ["r1": "live"])

            try project.tree.write("www/index.html", "v2\n")
            try project.commit("v2")
            let prod = try await make(["deploy-prod"])
            #expect(prod.status == 0, "\(prod.stdout)\n\(prod.stderr)")
            #expect(project.get("/") == "v2")
            #expect(try await project.history() == ["r1": "superseded", "r2": "live"])

            let clean = try await project.crank(["clean", "--env", "prod", "--yes"])
            #expect(clean.status == 0, "\(clean.stdout)\n\(clean.stderr)")
        }
    }
}
