import CrankTestSupport
import Foundation
import Testing

/// `rollout:` through the built binary: what plan, dry-run and config show (no host is reached).
@Suite("rollout: plan, dry-run and config of an environment with hosts (the built binary)")
struct RolloutCommandsTests {
    static let yaml = """
        project: demo
        environments:
          prod:
            target: local
            hosts:
              web-1: {address: 10.0.0.11}
              web-2: {address: 10.0.0.12, port: 2222}
              web-3: {address: 10.0.0.13}
            roles:
              web: [web-3, web-1, web-2]
            rollout: {canary: 1, batch: 2, pause: 500ms}
        deployments:
          api: {command: [python3, api.py], port: 8080, role: web}

        """

    @Test("plan and deploy --dry-run list the batches in the environment's host order; --json has them too")
    func planShowsBatches() throws {
        let tree = try TemporaryTree(["crank.yaml": Self.yaml])
        let expected = """
            Rollout of the changed deployments' hosts (2 batches, 500ms between batches):
              canary, batch 1/2: web-1
              batch 2/2: web-2, web-3
            """
        for command in [["plan"], ["deploy", "--dry-run"]] {
            let output = try ProcessRunner.crank(command + ["--env", "prod", "-C", tree.root])
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stdout.contains(expected), "\(output.stdout)")
        }
        let json = try ProcessRunner.crank(["plan", "--env", "prod", "--json", "-C", tree.root])
        let rollout = try json.jsonObject()["rollout"] as? [String: Any]
        #expect(rollout?["batches"] as? [[String]] == [["web-1"], ["web-2", "web-3"]])
        #expect(rollout?["canary"] as? Bool == true && rollout?["pause_seconds"] as? Double == 0.5)
    }

    @Test("config lists the rollout values with their file and line; without rollout plan shows no batches")
    func configAndDefault() throws {
        let tree = try TemporaryTree(["crank.yaml": Self.yaml])
        let config = try ProcessRunner.crank(["config", "--env", "prod", "-C", tree.root])
        let lines = config.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(lines.contains("environments.prod.rollout.pause = \"500ms\" # crank.yaml:11"), "\(config.stdout)")
        try tree.write("crank.yaml", Self.yaml.replacingOccurrences(of: "    rollout: {canary: 1, batch: 2, pause: 500ms}\n", with: ""))
        let plan = try ProcessRunner.crank(["plan", "--env", "prod", "-C", tree.root])
        #expect(plan.status == 0 && !plan.stdout.contains("Rollout"), "\(plan.stdout)\(plan.stderr)")
        let json = try ProcessRunner.crank(["plan", "--env", "prod", "--json", "-C", tree.root])
        #expect(try json.jsonObject()["rollout"] == nil)
    }
}
