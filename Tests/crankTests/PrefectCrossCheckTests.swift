import CrankTestSupport
import Foundation
import Testing

/// Runs Prefect's own `search_for_flow_functions` (real Prefect, from the project
/// venv) and crank on the same fixture tree.
@Suite("Cross-check against Prefect's own flow search")
struct PrefectCrossCheckTests {
    struct Found: Hashable {
        var file: String
        var function: String
    }

    @Test("crank finds every flow Prefect finds, plus the aliased ones Prefect misses")
    func crossCheck() throws {
        let tree = fixtures + "/crosscheck"
        let prefect = try ProcessRunner.run(try ProcessRunner.prefectPython(), [Checkout.root + "/scripts/prefect_search.py", tree])
        #expect(prefect.status == 0, "\(prefect.stderr)")
        let prefectFlows = try #require(try JSONSerialization.jsonObject(with: Data(prefect.stdout.utf8)) as? [[String: String]])
        let crank = try ProcessRunner.crank(["discover", "--json", "-C", tree])
        let crankFlows = try #require(try crank.jsonObject()["flows"] as? [[String: Any]])

        let prefectSet = Set(prefectFlows.map { Found(file: $0["file"]!, function: $0["function"]!) })
        let crankSet = Set(crankFlows.map { flow in
            Found(file: flow["file"] as! String, function: String((flow["function"] as! String).split(separator: ".").last!))
        })
        #expect(prefectSet.count == 6)
        #expect(prefectSet.isSubset(of: crankSet), "Prefect found flows crank missed: \(prefectSet.subtracting(crankSet))")
        #expect(crankSet.subtracting(prefectSet) == [
            Found(file: "aliased.py", function: "via_alias"), Found(file: "aliased.py", function: "via_module_alias"),
        ])
        // Where Prefect read a literal name=, both agree on it.
        for flow in prefectFlows where flow["name"] != flow["function"] {
            let match = crankFlows.first { ($0["function"] as! String).hasSuffix(flow["function"]!) && $0["file"] as? String == flow["file"] }
            #expect(match?["name"] as? String == flow["name"])
        }
    }
}
