import CrankTestSupport
import Foundation
import Testing
@testable import DeployCore

@Suite("Worker-migration checklist")
struct MigrationChecklistTests {
    let template = try! String(contentsOfFile: Checkout.root + "/" + MigrationChecklist.templateFile, encoding: .utf8)

    @Test("the shipped template has the six sections, all open")
    func shippedTemplate() throws {
        let node = try #require(try YAMLFileLoader.parse(template, displayPath: "t.yml").get())
        let status = try MigrationChecklist.status(of: node, file: "t.yml").get()
        #expect(status.sections.map(\.section) == [
            "code_implementation", "deployment_artifacts", "infrastructure_updates", "migration_strategy", "validation", "rollback_procedures",
        ])
        #expect(status.done == 0)
        #expect(status.total > 20)
    }

    @Test("rendering fills in worker and date; status counts done items")
    func render() throws {
        let date = ISO8601DateFormatter().date(from: "2026-11-23T12:00:00Z")!
        let text = MigrationChecklist.render(template: template, worker: "ocr-worker", date: date)
        #expect(!text.contains("{{"))
        let marked = text.replacingOccurrences(of: "done: false", with: "done: true", options: [], range: text.range(of: "done: false"))
        let node = try #require(try YAMLFileLoader.parse(marked, displayPath: "c.yml").get())
        let status = try MigrationChecklist.status(of: node, file: "c.yml").get()
        #expect(status.worker == "ocr-worker")
        #expect(status.sections.first?.done == 1)
        #expect(MigrationChecklist.path(worker: "ocr-worker", date: date).hasPrefix("deployment/migrations/ocr-worker-2026-11-2"))
    }

    @Test("an existing checklist is never overwritten")
    func refusesOverwrite() throws {
        let tree = try TemporaryTree(["deployment/migrations/a.yml": "keep me"])
        #expect(throws: AtomicFile.Failure.exists(tree.path("deployment/migrations/a.yml"))) {
            try AtomicFile.write(Data("new".utf8), to: tree.path("deployment/migrations/a.yml"), overwrite: false)
        }
        #expect(try String(contentsOfFile: tree.path("deployment/migrations/a.yml"), encoding: .utf8) == "keep me")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tree.path("deployment/migrations")) == ["a.yml"])
    }
}
