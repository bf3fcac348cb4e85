import CrankTestSupport
import Foundation
import Testing
@testable import DeployCore

@Suite("crank init --from prefect.yaml: the rebuilt prefect.yaml is equivalent")
struct PrefectImportRoundTripTests {
    @Test("definitions/anchors/merge keys, two deployments of one flow, one name shared by two flows")
    func anchors() throws {
        let tree = try importFixture("anchors")
        let (crankYAML, rebuilt) = try importAndRebuild(tree, from: ["prefect.yaml"])
        let original = try PrefectYAMLEquivalence.deployments(ofFile: tree.path("prefect.yaml"))
        let after = try PrefectYAMLEquivalence.deployments(ofFile: rebuilt)
        #expect(original.count == 3)
        #expect(PrefectYAMLEquivalence.differences(original: original, rebuilt: after) == [], "\(crankYAML)")
        // The shared name stays the Prefect name; the config keys tell the deployments apart.
        #expect(crankYAML.contains("  ingestion-prod:\n    flow: flows/ingestion.py:ingest\n    name: prod\n"), "\(crankYAML)")
        #expect(crankYAML.contains("  daily-report-prod:\n    flow: flows/reporting.py:daily_report\n    name: prod\n"), "\(crankYAML)")
        #expect(crankYAML.contains("  backfill:\n    flow: flows/ingestion.py:ingest\n    description:"), "a unique, valid Prefect name is the key itself: \(crankYAML)")
    }

    @Test("pull steps with step outputs, job variables with Prefect placeholders, the singular schedule, {{ $VAR }} and a literal ${")
    func pullSteps() throws {
        let tree = try importFixture("pull-steps")
        let environment = ["MODEL_VERSION": "7.3.0"]
        let (crankYAML, rebuilt) = try importAndRebuild(tree, from: ["prefect.yaml"], environment: environment)
        let original = try PrefectYAMLEquivalence.deployments(ofFile: tree.path("prefect.yaml"), environment: environment)
        let after = try PrefectYAMLEquivalence.deployments(ofFile: rebuilt)
        #expect(original.count == 2)
        #expect(PrefectYAMLEquivalence.differences(original: original, rebuilt: after) == [], "\(crankYAML)")
        #expect(crankYAML.contains("version: ${MODEL_VERSION}") || crankYAML.contains("version: \"${MODEL_VERSION}\""), "\(crankYAML)")
        #expect(crankYAML.contains("costs $${dollars}"), "a literal ${ is escaped for crank: \(crankYAML)")
        #expect(crankYAML.contains("name: Train (weekly)") || crankYAML.contains("name: \"Train (weekly)\""), "\(crankYAML)")
        #expect(crankYAML.contains("  train-weekly:\n"), "\(crankYAML)")
    }

    @Test("per-directory prefect.yaml files (--from twice): entrypoints become relative to the project root")
    func perDirectory() throws {
        let tree = try importFixture("per-directory")
        let (crankYAML, rebuilt) = try importAndRebuild(tree, from: ["teams/billing/prefect.yaml", "teams/search/prefect.yaml"])
        var original = try PrefectYAMLEquivalence.deployments(ofFile: tree.path("teams/billing/prefect.yaml"), directory: "teams/billing")
        original.merge(try PrefectYAMLEquivalence.deployments(ofFile: tree.path("teams/search/prefect.yaml"), directory: "teams/search")) { first, _ in first }
        let after = try PrefectYAMLEquivalence.deployments(ofFile: rebuilt)
        #expect(original.count == 2)
        #expect(PrefectYAMLEquivalence.differences(original: original, rebuilt: after) == [], "\(crankYAML)")
        #expect(crankYAML.contains("flow: teams/billing/flows/invoices.py:send_invoices"), "\(crankYAML)")
        #expect(crankYAML.contains("working_directory: /opt/repo\n"), "the directory above teams/billing/: \(crankYAML)")
    }
}
