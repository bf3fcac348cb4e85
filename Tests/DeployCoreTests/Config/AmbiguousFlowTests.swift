import Testing
@testable import DeployCore

/// `flow: NAME` that several discovered flows share, and when duplicate names are worth a warning.
@Suite("ambiguous flow references")
struct AmbiguousFlowTests {
    static let parametrized = "from prefect import flow\n\n\n@flow\ndef parametrized(x: int = 1):\n    pass\n"
    static let files = [
        "flows/a.py": parametrized,
        "flows/b.py": "# b\n" + parametrized,
        "flows/c.py": "# c\n# c\n" + parametrized,
    ]

    @Test("a name three flows share is an ambiguous-flow error listing file:function of each and how to pick one")
    func ambiguousByName() throws {
        let fixture = try ConfigFixture(project("  job:\n    flow: parametrized"), files: Self.files)
        let issues = fixture.issues()
        #expect(issues.map(\.code) == [.ambiguousFlow], "\(issues)")
        let issue = try #require(issues.first)
        #expect(issue.severity == .error)
        #expect(issue.path == "deployments.job.flow")
        #expect(issue.line == 8)
        for entrypoint in ["flows/a.py:parametrized", "flows/b.py:parametrized", "flows/c.py:parametrized"] {
            #expect(issue.message.contains(entrypoint), "\(issue.message)")
        }
        #expect(issue.hint?.contains("flow: flows/a.py:parametrized") == true, "\(issue.hint ?? "")")
    }

    @Test("naming one of them by entrypoint resolves it, and the duplicate name is then a warning")
    func pickedByEntrypoint() throws {
        let fixture = try ConfigFixture(project("  job:\n    flow: flows/b.py:parametrized"), files: Self.files)
        let issues = fixture.issues()
        #expect(issues.allSatisfy { $0.severity == .warning }, "\(issues)")
        #expect(!issues.isEmpty && issues.allSatisfy { $0.code == .flowFile && $0.message.contains("[duplicate-name]") }, "\(issues)")
    }

    @Test("duplicate flow names no deployment references are not reported")
    func unreferencedDuplicates() throws {
        let fixture = try ConfigFixture(project("  api: {command: [python3, api.py]}"), files: Self.files)
        #expect(fixture.issues() == [])
    }

    @Test("match reports found, ambiguous (in discovery order) and missing")
    func match() {
        let flows = FlowDiscoveryFixtures.flows(["a.py": "same", "b.py": "same", "c.py": "other"])
        #expect(FlowReference.match("other", in: flows) == .found(flows[2]))
        #expect(FlowReference.match("same", in: flows) == .ambiguous([flows[0], flows[1]]))
        #expect(FlowReference.match("b.py:same", in: flows) == .found(flows[1]))
        #expect(FlowReference.match("nope", in: flows) == .missing)
        #expect(FlowReference.resolve("same", in: flows) == nil)
    }
}

/// Flows named NAME, one per file (function `same` → flow `same`).
enum FlowDiscoveryFixtures {
    static func flows(_ byFile: KeyValuePairs<String, String>) -> [Flow] {
        byFile.map { file, name in
            Flow(name: name, function: name, file: file, line: 1)
        }
    }
}
