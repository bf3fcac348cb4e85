import Testing
@testable import DeployCore

@Suite("server deployments matched to config keys on flow + Prefect name")
struct PrefectServerKeysTests {
    func flow(_ key: String, flow: String, name: String? = nil) -> RenderedDeployment {
        var spec: [String: JSONValue] = ["flow_name": .string(flow)]
        if let name { spec["deployment_name"] = .string(name) }
        return RenderedDeployment(name: key, kind: .python, role: .flow, target: .prefect, spec: spec)
    }

    func server(_ name: String, flowID: String) -> JSONValue {
        .object(["name": .string(name), "flow_id": .string(flowID), "id": .string("\(flowID)-\(name)")])
    }

    @Test("without name overrides no flow lookup is needed and the Prefect name is the key")
    func plain() {
        let known = [flow("a", flow: "ingest")]
        #expect(PrefectServerKeys.flowNamesNeeded(known) == [])
        #expect(PrefectServerKeys.keyed([server("a", flowID: "f1")], known: known, flowIDs: [:]).keys.sorted() == ["a"])
    }

    @Test("two flows' `prod` deployments map to their own keys; an old deployment keeps a distinct key")
    func overrides() {
        let known = [flow("ingestion-prod", flow: "ingestion", name: "prod"), flow("report-prod", flow: "report", name: "prod"), flow("ingestion-prod", flow: "ingestion")]
        #expect(PrefectServerKeys.flowNamesNeeded(known) == ["ingestion", "report"])
        let keyed = PrefectServerKeys.keyed([server("prod", flowID: "f1"), server("prod", flowID: "f2"), server("ingestion-prod", flowID: "f1")],
                                            known: known, flowIDs: ["ingestion": "f1", "report": "f2"])
        #expect(keyed["ingestion-prod"] == server("prod", flowID: "f1"))
        #expect(keyed["report-prod"] == server("prod", flowID: "f2"))
        // Registered under the config key by an earlier release: not the desired deployment, so an orphan.
        #expect(keyed["ingestion-prod#f1"] == server("ingestion-prod", flowID: "f1"))
        #expect(keyed.count == 3)
    }
}
