import CrankTestSupport
import Foundation
import Testing
@testable import DeployCore

@Suite("crank init --from: what crank cannot represent is named, never dropped")
struct PrefectImportIssueTests {
    @Test("rrule, two schedules, an inactive one, triggers, a concurrency limit, a build-step output and an unknown key are errors with key paths")
    func unsupported() throws {
        let tree = try importFixture("unsupported")
        let result = ProjectInit.run(root: tree.root, sources: [tree.path("prefect.yaml")])
        #expect(result.text == nil)
        let errors = Set(result.issues.filter { $0.severity == .error }.map(\.path))
        #expect(errors == [
            "deployments[0].schedules[0].rrule", "deployments[0].schedules[1]", "deployments[0].schedules[1].active",
            "deployments[0].concurrency_limit", "deployments[0].triggers", "deployments[0].sla", "deployments[0].work_pool.job_variables.image",
        ], "\(result.issues.map { "\($0.path): \($0.message)" })")
        let unknown = try #require(result.issues.first { $0.path == "deployments[0].sla" })
        #expect(unknown.code == .unknownKey && unknown.file == "prefect.yaml" && unknown.line == 22)
        #expect(result.issues.contains { $0.path == "build" && $0.severity == .warning })
    }

    @Test("a deployment without pull steps or work pool imports with warnings naming them")
    func warnings() throws {
        let tree = try TemporaryTree([
            "flows/a.py": "from prefect import flow\n\n@flow\ndef a():\n    pass\n",
            "prefect.yaml": "deployments:\n- name: a\n  entrypoint: flows/a.py:a\n  paused: true\n  enforce_parameter_schema: false\n",
        ])
        let result = ProjectInit.run(root: tree.root, sources: [tree.path("prefect.yaml")])
        #expect(result.text != nil)
        #expect(Set(result.issues.map(\.path)) == ["deployments[0].pull", "deployments[0].work_pool.name", "deployments[0].paused", "deployments[0].enforce_parameter_schema"])
        #expect(result.issues.allSatisfy { $0.severity == .warning })
    }

    @Test("an entrypoint no flow answers to is a warning; a prefect.yaml outside the project is an error")
    func unknownFlowAndOutside() throws {
        let tree = try TemporaryTree(["prefect.yaml": "deployments:\n- name: a\n  entrypoint: gone.py:a\n  work_pool: {name: p}\n  pull: []\n"])
        let result = ProjectInit.run(root: tree.root, sources: [tree.path("prefect.yaml")])
        #expect(result.issues.contains { $0.code == .unknownFlow && $0.severity == .warning && $0.message.contains("gone.py:a") })
        let other = try TemporaryTree(["prefect.yaml": "deployments: []\n"])
        let outside = ProjectInit.run(root: tree.root, sources: [other.path("prefect.yaml")])
        #expect(outside.text == nil)
        #expect(outside.issues.contains { $0.message.contains("outside the project root") })
    }

    @Test("merge keys: the map's own keys win, earlier merged maps win over later ones")
    func mergeKeys() throws {
        let yaml = "a: &a {x: 1, y: 1}\nb: &b {y: 2, z: 2}\nc:\n  <<: [*a, *b]\n  x: 3\n"
        let node = try #require(try YAMLFileLoader.parse(yaml, displayPath: "t.yaml").get())
        #expect(MergeKeys.resolve(node)["c"]?.json == .object(["x": .int(3), "y": .int(1), "z": .int(2)]))
    }

    @Test("config keys from Prefect names: slugged, unique, valid")
    func keys() {
        var names = ConfigKeyNames()
        #expect(names.claim(["Train (weekly)"]) == "train-weekly")
        #expect(names.claim(["train-weekly"]) == "train-weekly-2")
        #expect(names.claim(["--.."]) == "deployment")
        #expect(NameRules.isValid(ConfigKeyNames.slug(String(repeating: "Ab.", count: 40))))
    }
}
