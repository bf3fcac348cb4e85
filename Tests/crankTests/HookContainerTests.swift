import CrankTestSupport
import Foundation
import Testing

extension ContainerSuites {
    @Suite("hooks on the container target (real podman)", .serialized)
    struct HookContainerTests {
        /// The container project with hooks that run in one-off containers of web's image; their
        /// exit status comes from the deploy's environment (`${PRE_EXIT}`, `${POST_EXIT}`).
        func project() throws -> ContainerProject {
            let fixture = try ContainerProject()
            // GREETING from the deploy's environment changes web's spec without a new image.
            let yaml = try String(contentsOfFile: fixture.tree.path("crank.yaml"), encoding: .utf8)
                .replacingOccurrences(of: "env: {GREETING: hello}", with: "env: {GREETING: \"${GREETING:-hello}\"}") + """

                    hooks:
                      pre_deploy: [{run: [sh, -c, 'echo pre of $CRANK_RELEASE in $(pwd) token=$WEB_TOKEN; exit ${PRE_EXIT:-0}'], on: web, timeout: 60s}]
                      post_deploy: [{run: [sh, -c, 'echo post; exit ${POST_EXIT:-0}'], on: web}]
                """
            try fixture.tree.write("crank.yaml", yaml)
            try fixture.commit("v1")
            return fixture
        }

        func hooks(_ release: [String: Any]) -> [String] {
            ((release["hooks"] as? [[String: Any]]) ?? []).map { "\($0["phase"]!) \($0["outcome"]!) \($0["exit_status"].map { "\($0)" } ?? "-") \($0["release"]!)" }
        }

        @Test("hooks run in a one-off container of the release's image: a failing pre_deploy changes nothing, a failing post_deploy rolls back")
        func preAndPostDeploy() throws {
            let fixture = try project()
            defer { fixture.cleanUp() }
            let first = try fixture.crank(["deploy", "--env", "prod"])
            #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
            #expect(fixture.page() == "v1")
            #expect(hooks(try fixture.history()[0]) == ["pre_deploy ok 0 r1", "post_deploy ok 0 r1"])
            let log = try String(contentsOfFile: fixture.tree.path(".crank/state/prod/releases/r1.log"), encoding: .utf8)
            #expect(log.contains("pre of r1 in /app token=[redacted:WEB_TOKEN]"), "\(log)")

            let refused = try fixture.crank(["deploy", "--env", "prod", "--json"], ["PRE_EXIT": "4", "GREETING": "v2"])
            #expect(refused.status == 1)
            #expect((try refused.jsonObject()["failure"] as? [String: String])?["check"] == "pre_deploy hook")
            #expect(fixture.page() == "v1")
            #expect(try fixture.containers() == ["\(fixture.project)-web-r1 running"], "a container changed although pre_deploy failed")

            let rolledBack = try fixture.crank(["deploy", "--env", "prod"], ["POST_EXIT": "5", "GREETING": "v3"])
            #expect(rolledBack.status == 1)
            #expect(rolledBack.stderr.contains("post_deploy hook"), "\(rolledBack.stderr)")
            #expect(try fixture.containers() == ["\(fixture.project)-web-r1 running"], "r1's container was not restored")
            let history = try fixture.history()
            #expect(history.map { $0["status"] as? String } == ["failed", "failed", "live"])
            #expect(hooks(history[0]) == ["pre_deploy ok 0 r3", "post_deploy failed 5 r3"])
            #expect(hooks(history[1]) == ["pre_deploy failed 4 r2"])
            // One-off containers are removed; the secret reached none of crank's files or output.
            #expect(try fixture.podman(["ps", "-a", "-q", "--filter", "label=crank.hook"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "")
            for output in [first, refused, rolledBack] { #expect(!(output.stdout + output.stderr).contains(fixture.token)) }
            for file in FileManager.default.enumerator(atPath: fixture.tree.path(".crank/state"))?.allObjects as? [String] ?? [] {
                let text = (try? String(contentsOfFile: fixture.tree.path(".crank/state/\(file)"), encoding: .utf8)) ?? ""
                #expect(!text.contains(fixture.token), "the secret is in .crank/state/\(file)")
            }
        }
    }
}
