import CrankTestSupport
import Testing
@testable import DeployCore

/// Runs discovery on one fixture of Tests/DeployCoreTests/Fixtures/rules.
func discoverFixture(_ name: String) -> DiscoveryReport {
    let root = Checkout.root + "/Tests/DeployCoreTests/Fixtures/rules"
    return FlowDiscovery.discover(root: root, paths: [root + "/" + name])
}

func functions(_ report: DiscoveryReport) -> [String] {
    report.flows.map(\.function)
}

@Suite("Which decorators count as prefect.flow")
struct DecoratorResolutionTests {
    @Test("`from prefect import flow` + @flow")
    func importFrom() {
        let report = discoverFixture("import_from.py")
        #expect(report.flows == [Flow(name: "hello-world", function: "hello_world", file: "import_from.py", line: 5, imports: ["prefect"])])
        #expect(report.diagnostics.isEmpty)
    }

    @Test("an aliased import counts; an aliased task does not")
    func importAlias() {
        #expect(functions(discoverFixture("import_alias.py")) == ["aliased"])
    }

    @Test("`import prefect` + @prefect.flow with and without parentheses")
    func importModule() {
        #expect(functions(discoverFixture("import_module.py")) == ["bare_attribute", "called_attribute"])
    }

    @Test("`import prefect as P` and `import prefect.flows as X`")
    func importModuleAlias() {
        let report = discoverFixture("import_module_alias.py")
        #expect(report.flows.map(\.name) == ["via-module-alias", "submodule-alias"])
    }

    @Test("an import inside try: counts even with a fallback def in except:")
    func importInTry() {
        #expect(functions(discoverFixture("import_in_try.py")) == ["guarded"])
    }

    @Test("a `flow` from another library is not a Prefect flow")
    func otherLibrary() {
        let report = discoverFixture("other_library_flow.py")
        #expect(report.flows.isEmpty)
        #expect(report.diagnostics.isEmpty)
    }

    @Test("rebinding the name after the import hides prefect.flow")
    func rebinding() {
        #expect(discoverFixture("rebinding.py").flows.isEmpty)
    }

    @Test("with or without call parentheses, stacked, and spanning many lines")
    func decoratorForms() {
        let report = discoverFixture("decorator_forms.py")
        #expect(functions(report) == ["no_parentheses", "empty_call", "stacked", "multi_line"])
        #expect(report.flows.last?.name == "spans-lines")
        #expect(report.flows.last?.line == 35)
    }

    @Test("`from prefect import flows` and `from prefect.flows import flow`")
    func flowsModule() {
        #expect(functions(discoverFixture("prefect_flows_module.py")) == ["via_flows_module", "via_submodule_import"])
    }

    @Test("`from prefect import *` provides flow")
    func starImport() {
        #expect(functions(discoverFixture("star_import.py")) == ["from_star"])
    }

    @Test("decorators and defs inside strings and comments are not flows")
    func stringsAndComments() {
        let report = discoverFixture("strings_and_comments.py")
        #expect(functions(report) == ["the_only_flow"])
        #expect(report.diagnostics.isEmpty)
    }
}

@Suite("Flow names")
struct FlowNameTests {
    @Test("name= literals, concatenations, plain f-strings and escapes")
    func literal() {
        let report = discoverFixture("name_literal.py")
        #expect(report.flows.map(\.name) == ["daily-report", "concatenated-name", "plain-fstring", "escaped\tname"])
        #expect(report.diagnostics.isEmpty)
    }

    @Test("a module-level string constant is resolved (last assignment wins)")
    func constant() {
        let flow = discoverFixture("name_constant.py").flows.first
        #expect(flow?.name == "resolved-constant")
        #expect(flow?.decorator["name"] == .string("resolved-constant"))
    }

    @Test("a computed name is a dynamic-name warning and the flow is still listed")
    func dynamic() {
        let report = discoverFixture("name_dynamic.py")
        #expect(report.flows.map(\.name) == ["fstring-name", "expression-name"])
        #expect(report.diagnostics.map(\.code) == [.dynamicName, .dynamicName])
        #expect(report.diagnostics.allSatisfy { $0.severity == .warning })
    }

    @Test("the same name twice is a duplicate-name warning on the second")
    func duplicates() {
        let report = discoverFixture("duplicate_names.py")
        #expect(report.flows.count == 2)
        #expect(report.diagnostics.map(\.code) == [.duplicateName])
        #expect(report.diagnostics.first?.line == 10)
    }
}

@Suite("Where flows are defined")
struct FlowPlacementTests {
    @Test("methods of classes are listed as Class.method")
    func methods() {
        let report = discoverFixture("methods.py")
        #expect(functions(report) == ["Pipelines.method_flow", "Pipelines.Inner.deeper"])
        #expect(report.flows.first?.entrypoint == "methods.py:Pipelines.method_flow")
        #expect(report.flows.first?.name == "method-flow")
    }

    @Test("a flow inside a function body is not listed and is warned about")
    func nested() {
        let report = discoverFixture("nested_flow.py")
        #expect(functions(report) == ["top_level"])
        #expect(report.diagnostics.map(\.code) == [.nestedFlow])
        #expect(report.diagnostics.first?.line == 6)
    }

    @Test("async def flows are marked async")
    func asyncFlow() {
        let flow = discoverFixture("async_flow.py").flows.first
        #expect(flow?.isAsync == true)
        #expect(flow?.line == 5)
    }
}
