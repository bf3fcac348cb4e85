import Testing
@testable import DeployCore

@Suite("What each flow records")
struct FlowDetailsTests {
    @Test("parameters keep kind, annotation and default source text exactly")
    func parameters() {
        let flows = discoverFixture("parameters.py").flows
        #expect(flows.first?.parameters == [
            FlowParameter(name: "a", kind: .positionalOnly),
            FlowParameter(name: "b", annotation: "int", kind: .positionalOnly),
            FlowParameter(name: "c", annotation: "\"list[str]\"", default: "[\"x\", \"y\"]"),
            FlowParameter(name: "args", annotation: "str", kind: .varPositional),
            FlowParameter(name: "d", annotation: "Optional[dict[str, int]]", default: "None", kind: .keywordOnly),
            FlowParameter(name: "e", default: "lambda x=1: x", kind: .keywordOnly),
            FlowParameter(name: "kwargs", annotation: "object", kind: .varKeyword),
        ])
        #expect(flows.first?.parameters.map(\.required) == [true, true, false, false, false, false, false])
        #expect(flows.last?.parameters == [FlowParameter(name: "only", annotation: "bool", default: "True", kind: .keywordOnly)])
    }

    @Test("description is description= or the first docstring line")
    func descriptions() {
        let flows = discoverFixture("description.py").flows
        #expect(flows.map(\.description) == ["Load the data.", "Given explicitly.", "Inline docstring."])
    }

    @Test("literal decorator keywords are kept as JSON values; expressions are left out")
    func decoratorKeywords() {
        let flow = discoverFixture("decorator_kwargs.py").flows.first
        #expect(flow?.decorator == [
            "name": .string("configured"), "version": .string("1.2.3"), "retries": .int(3),
            "retry_delay_seconds": .array([.int(10), .double(20.5)]), "timeout_seconds": .int(3600),
            "log_prints": .bool(true), "persist_result": .null, "tags": .array([.string("etl"), .string("nightly")]),
            "validate_parameters": .bool(false),
        ])
    }

    @Test("imports lists absolute top-level modules from anywhere in the file")
    func imports() {
        #expect(discoverFixture("imports.py").flows.first?.imports == ["collections", "json", "os", "pandas", "prefect", "yaml"])
    }
}

@Suite("Files that cannot be parsed")
struct UnparsableFileTests {
    @Test("an unterminated string is a syntax-error with its line; the file gives no flows")
    func unterminatedString() {
        let report = discoverFixture("unterminated_string.py")
        #expect(report.flows.isEmpty)
        #expect(report.diagnostics.map(\.code) == [.syntaxError])
        #expect(report.diagnostics.first?.line == 6)
        #expect(report.diagnostics.first?.severity == .error)
    }

    @Test("unbalanced brackets are a syntax-error")
    func unbalanced() {
        let report = discoverFixture("unbalanced_brackets.py")
        #expect(report.flows.isEmpty)
        #expect(report.diagnostics.first?.code == .syntaxError)
        #expect(report.diagnostics.first?.line == 5)
    }

    @Test("an inconsistent dedent is a syntax-error")
    func dedent() {
        let report = discoverFixture("inconsistent_dedent.py")
        #expect(report.diagnostics.first?.code == .syntaxError)
        #expect(report.diagnostics.first?.line == 7)
        #expect(report.hasErrors)
    }
}
