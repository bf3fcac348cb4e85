import Foundation
import Testing
@testable import DeployCore

@Suite("rollout: batches and canary of an environment with hosts")
struct RolloutConfigTests {
    func withRollout(_ value: String) -> String {
        hostsProject.patched("known_hosts: deployment/known_hosts", with: "known_hosts: deployment/known_hosts\n    rollout: \(value)")
    }

    func codesAndPaths(_ issues: [ConfigIssue]) -> [String] {
        issues.map { "\($0.code.rawValue) \($0.path)" }
    }

    @Test("batch, canary and pause decode to RolloutSettings; pause takes 5s, 500ms, 1m or seconds")
    func decodes() throws {
        let (effective, issues) = try hostsFixture(withRollout("{batch: 2, pause: 5s, canary: 1}")).load(env: "prod")
        #expect(issues == [])
        #expect(effective?.config.environment("prod")?.rollout == RolloutSettings(batch: 2, canary: 1, pause: 5))
        for (written, seconds) in [("500ms", 0.5), ("1m", 60.0), ("2", 2.0), ("0.25", 0.25)] {
            let (loaded, _) = try hostsFixture(withRollout("{pause: \(written)}")).load(env: "prod")
            #expect(loaded?.config.environment("prod")?.rollout == RolloutSettings(pause: seconds), "\(written)")
        }
        let (plain, _) = try hostsFixture().load(env: "prod")
        #expect(plain?.config.environment("prod")?.rollout == nil)
        #expect(try hostsFixture(withRollout("{canary: 1}")).issues(env: "prod") == [])
    }

    @Test("unknown keys, wrong types and out-of-range values name the key path and line")
    func schema() throws {
        let issues = try hostsFixture(withRollout("{bach: 2, batch: 0, canary: -1, pause: soon}")).issues(env: "prod")
        #expect(codesAndPaths(issues) == [
            "unknown-key environments.prod.rollout.bach",
            "invalid-value environments.prod.rollout.batch",
            "invalid-value environments.prod.rollout.canary",
            "invalid-value environments.prod.rollout.pause",
        ])
        #expect(issues.allSatisfy { $0.line == 16 && $0.file == "crank.yaml" })
        #expect(issues[0].hint?.hasPrefix("did you mean 'batch'?") == true)
        #expect(issues[3].hint?.contains("5s, 500ms or 1m") == true)
        let types = try hostsFixture(withRollout("{batch: two, canary: [1], pause: {s: 1}}")).issues(env: "prod")
        #expect(codesAndPaths(types) == [
            "wrong-type environments.prod.rollout.batch",
            "wrong-type environments.prod.rollout.canary",
            "wrong-type environments.prod.rollout.pause",
        ])
        #expect(codesAndPaths(try hostsFixture(withRollout("3")).issues(env: "prod")) == ["wrong-type environments.prod.rollout"])
    }

    @Test("rollout on an environment without hosts is an error with the fix")
    func withoutHosts() throws {
        let yaml = hostsProject.patched("dev: {target: local}", with: "dev: {target: local, rollout: {batch: 1}}")
        let issues = try hostsFixture(yaml).issues(env: "dev")
        #expect(codesAndPaths(issues) == ["invalid-placement environments.dev.rollout"])
        #expect(issues.first?.line == 3)
        #expect(issues.first?.hint?.contains("remove `rollout:`") == true)
        #expect(try hostsFixture(yaml).issues(env: "prod") == [])
    }

    @Test("the recorded environment keeps rollout, so a rollback with a broken config still goes in batches")
    func recorded() throws {
        let (effective, _) = try hostsFixture(withRollout("{batch: 1, canary: 1, pause: 1s}")).load(env: "prod")
        let spec = try #require(effective?.config.environment("prod"))
        let recorded = RecordedEnvironment(project: "demo", spec: spec)
        let decoded = try FileStateStore.decoder.decode(RecordedEnvironment.self, from: FileStateStore.encoder.encode(recorded))
        #expect(decoded.spec.rollout == RolloutSettings(batch: 1, canary: 1, pause: 1))
        #expect(RecordedEnvironment(project: "demo", spec: try #require(hostsFixture().load(env: "prod").0?.config.environment("prod"))).rollout == nil)
    }
}
