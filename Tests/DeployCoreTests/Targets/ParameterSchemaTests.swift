import CrankTestSupport
import Foundation
import Testing
@testable import DeployCore

/// Cross-checks the static schema against Prefect's own `parameter_schema`, computed by
/// importing the same fixture flows in the project venv (real Prefect).
@Suite("parameter_openapi_schema")
struct ParameterSchemaTests {
    static let flows = """
        from typing import Optional
        from prefect import flow


        @flow
        def simple(a, b: int, c: str = "x", d: float = 1.5, e: bool = False):
            pass


        @flow
        def collections(g: list[str] = [], h: Optional[int] = None, i: dict = {}, j: "int | None" = 3, k: List = None, m: dict[str, list[int]] = {}):
            pass


        @flow
        def kinds(x: int, /, y: str = "y", *args, z: bool = True, **rest):
            pass
        """

    @Test("matches the schema Prefect generates for the same flows")
    func matchesPrefect() throws {
        let tree = try TemporaryTree(["flows.py": Self.flows.replacingOccurrences(of: "from typing import Optional", with: "from typing import Optional, List")])
        let script = """
            import json, sys
            sys.path.insert(0, sys.argv[1])
            import flows
            from prefect.utilities.callables import parameter_schema
            # exclude_unset: what RunnerDeployment (and so `prefect deploy`) sends to the server.
            print(json.dumps({name: parameter_schema(getattr(flows, name).fn).model_dump(exclude_unset=True) for name in ["simple", "collections", "kinds"]}))
            """
        let output = try ProcessRunner.run(try ProcessRunner.prefectPython(), ["-c", script, tree.root])
        #expect(output.status == 0, "\(output.stderr)")
        let expected = try JSONDecoder().decode([String: JSONValue].self, from: Data(output.stdout.utf8))
        let discovered = FlowDiscovery.discover(root: tree.root).flows
        for flow in discovered {
            #expect(ParameterSchema.generate(for: flow) == expected[flow.function], "\(flow.function)")
        }
        #expect(discovered.count == 3)
    }
}
