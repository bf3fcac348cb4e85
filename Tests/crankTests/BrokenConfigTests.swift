import CrankTestSupport
import DeployCore
import Foundation
import Testing

/// The commands that act on what is deployed work from the recorded release and the
/// environment's recorded settings when crank.yaml is broken or deleted (container and Prefect
/// targets; the local target is in LocalFaultTests).
extension ContainerSuites {
    @Suite("acting on a deployed environment with a broken crank.yaml", .serialized)
    struct BrokenConfigTests {
        static func breakConfig(_ tree: TemporaryTree) throws {
            let original = try String(contentsOfFile: tree.path("crank.yaml"), encoding: .utf8)
            try (original + "\nbogus: 1\n").write(toFile: tree.path("crank.yaml"), atomically: true, encoding: .utf8)
        }

        @Test("container target: rollback, status, history, health, stop/start and clean with a broken, then deleted, crank.yaml")
        func containerTarget() async throws {
            let fixture = try ContainerProject()
            defer { fixture.cleanUp() }
            #expect(try await fixture.run(["deploy", "--env", "prod"]).status == 0)
            try fixture.commit("v2")
            #expect(try await fixture.run(["deploy", "--env", "prod"]).status == 0)
            #expect(fixture.page() == "v2")
            try Self.breakConfig(fixture.tree)
            let rollback = try await fixture.run(["rollback", "--env", "prod"])
            #expect(rollback.status == 0, "\(rollback.stderr)")
            #expect(rollback.stderr.contains("warning: crank.yaml cannot be used ("), "\(rollback.stderr)")
            #expect(fixture.page() == "v1")
            for command in [["status"], ["history"], ["health"], ["lock", "status"], ["stop", "--all"], ["start", "--all"]] {
                let output = try await fixture.run(command + ["--env", "prod"])
                #expect(output.status == 0, "\(command): \(output.stderr)")
            }
            #expect(fixture.page() == "v1")
            try FileManager.default.removeItem(atPath: fixture.tree.path("crank.yaml"))
            let clean = try await fixture.run(["clean", "--env", "prod", "--yes"])
            #expect(clean.status == 0, "\(clean.stderr)")
            let left = try fixture.containers()
            #expect(left.isEmpty, "\(left)")
        }

        @Test("prefect target: rollback, status, history, stop/start and clean with a broken, then deleted, crank.yaml")
        func prefectTarget() async throws {
            try await PrefectServer.exclusively {
                let project = try await PrefectProject()
                #expect(try await project.crank(["deploy", "--env", "staging", "--create-pools"]).status == 0)
                #expect(try await project.crank(["deploy", "--env", "staging"], ["GREET_NAME": "ops"]).status == 0)
                try Self.breakConfig(project.tree)
                let rollback = try await project.crank(["rollback", "--env", "staging"])
                #expect(rollback.status == 0, "\(rollback.stderr)")
                #expect(rollback.stderr.contains("warning: crank.yaml cannot be used ("), "\(rollback.stderr)")
                #expect(try await project.deployment("hello")?["parameters"] == .object(["name": .string("crank")]))
                for command in [["status"], ["history"], ["lock", "status"], ["stop", "hello"], ["start", "--all"]] {
                    let output = try await project.crank(command + ["--env", "staging"])
                    #expect(output.status == 0, "\(command): \(output.stderr)")
                }
                #expect(try await project.deployment("hello")?["paused"] == .bool(false))
                try FileManager.default.removeItem(atPath: project.tree.path("crank.yaml"))
                let clean = try await project.crank(["clean", "--env", "staging", "--yes"])
                #expect(clean.status == 0, "\(clean.stderr)")
                #expect(try await project.registered().isEmpty)
            }
        }
    }
}
