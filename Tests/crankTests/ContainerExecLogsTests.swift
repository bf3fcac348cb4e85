import CrankTestSupport
import Foundation
import Testing

extension ContainerSuites {
    @Suite("crank exec and crank logs on the container target (real podman)", .serialized)
    struct ContainerExecLogsTests {
        @Test("exec runs in a one-off container of the live image with the deployment's env and secret; logs reads podman logs")
        func execAndLogs() throws {
            let fixture = try ContainerProject()
            defer { fixture.cleanUp() }
            #expect(try fixture.crank(["deploy", "--env", "prod"]).status == 0)
            let arguments = ["exec", "--env", "prod", "-C", fixture.tree.root, "web", "--",
                             "sh", "-c", "echo \"$(pwd) $GREETING $WEB_TOKEN $CRANK_RELEASE\"; cat www/index.html; exit 42"]
            let run = try ProcessRunner.crank(arguments, environment: ["WEB_TOKEN": fixture.token, "CONTAINERS_CONF": ContainerProject.conf])
            #expect(run.status == 42, "\(run.stderr)")
            #expect(run.stdout == "/app hello \(fixture.token) r1\nv1", "\(run.stdout)")
            #expect(!run.stderr.contains(fixture.token))
            // The one-off container is gone; the deployment's own still serves.
            #expect(try fixture.podman(["ps", "-a", "--format", "{{.Names}}"]).stdout.split(separator: "\n").filter { $0.hasPrefix("\(fixture.project)-web-exec-") }.isEmpty)
            #expect(try fixture.containers() == ["\(fixture.project)-web-r1 running"])
            #expect(fixture.page() == "v1")
            let audit = auditEntries(fixture.tree.path(".crank/state/prod/audit.jsonl")).last
            #expect(audit?["command"] as? String == "exec" && audit?["outcome"] as? String == "exit 42")

            // What the container writes to its stdout (catatonit is PID 1 with --init) shows in crank logs.
            let name = "\(fixture.project)-web-r1"
            #expect(try fixture.podman(["exec", name, "sh", "-c", "echo from-the-container > /proc/1/fd/1"]).status == 0)
            let logs = try fixture.crank(["logs", "--env", "prod"])
            #expect(logs.status == 0, "\(logs.stderr)")
            #expect(logs.stdout.contains("web | from-the-container\n"), "\(logs.stdout)")
            let missing = try fixture.crank(["logs", "--env", "prod", "--release", "r7"])
            #expect(missing.status == 1 && missing.stderr.contains("kept: r1"), "\(missing.stderr)")
            // Following ends when the container stops.
            let follow = try BackgroundCrank(["logs", "--env", "prod", "--follow", "-C", fixture.tree.root],
                                             environment: ["WEB_TOKEN": fixture.token, "CONTAINERS_CONF": ContainerProject.conf])
            #expect(follow.wait(for: "web | from-the-container", timeout: 15), "\(follow.stdout)\(follow.stderr)")
            #expect(try fixture.podman(["exec", name, "sh", "-c", "echo while-following > /proc/1/fd/1"]).status == 0)
            #expect(follow.wait(for: "web | while-following", timeout: 15), "\(follow.stdout)\(follow.stderr)")
            #expect(try fixture.crank(["stop", "--env", "prod", "web"]).status == 0)
            #expect(follow.exitStatus(within: 15) == 0, "\(follow.stderr)")
        }
    }
}
