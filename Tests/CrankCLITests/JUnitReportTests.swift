@testable import crank
@testable import DeployCore
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

@Suite("JUnit reports (health and smoke --junit)")
struct JUnitReportTests {
    static let hostile = "a & b < c > d \"q\" 'a'\n\u{1}\u{8}end"

    @Test("a report with hostile texts is well-formed XML that reads back to the same texts (control characters dropped)")
    func wellFormed() throws {
        let report = JUnitReport(name: "crank health dev", cases: [
            .init(className: "crank.health.dev", name: "api", failure: Self.hostile),
            .init(className: "crank.health.dev", name: "worker\"><x>", seconds: 1.5),
        ])
        let xml = report.xml()
        let document = try XMLDocument(data: Data(xml.utf8))
        let suite = try #require(document.rootElement())
        #expect(suite.name == "testsuite")
        #expect(suite.attribute(forName: "tests")?.stringValue == "2")
        #expect(suite.attribute(forName: "failures")?.stringValue == "1")
        let cases = suite.elements(forName: "testcase")
        #expect(cases.map { $0.attribute(forName: "name")?.stringValue } == ["api", "worker\"><x>"])
        let failure = try #require(cases[0].elements(forName: "failure").first)
        #expect(failure.attribute(forName: "message")?.stringValue == "a & b < c > d \"q\" 'a'\nend")
        #expect(failure.stringValue == "a & b < c > d \"q\" 'a'\nend")
        #expect(cases[1].elements(forName: "failure").isEmpty)
        #expect(cases[1].attribute(forName: "time")?.stringValue == "1.500")
    }

    @Test("secret values are redacted from names, failures and output")
    func redaction() throws {
        let secret = "tok-<&>-secret"
        let report = JUnitReport(name: "smoke", cases: [.init(className: "c", name: "n", failure: "saw \(secret)", output: "out \(secret)")])
        let xml = report.xml(redactor: Redactor(secrets: [("TOKEN", secret)]))
        #expect(!xml.contains("secret"))
        #expect(xml.contains("saw [redacted:TOKEN]") && xml.contains("<system-out>out [redacted:TOKEN]</system-out>"))
        _ = try XMLDocument(data: Data(xml.utf8))
    }

    @Test("smoke runs become test cases with their seconds; a run that did not complete is a failure with its state and message")
    func smoke() throws {
        let runs = [SmokeRun(deployment: "hello", flowRunID: "f1", state: "COMPLETED", passed: true, seconds: 2.25, message: nil),
                    SmokeRun(deployment: "daily", flowRunID: "f2", state: "FAILED", passed: false, seconds: 3, message: "asked to fail")]
        let report = SmokeRendering.junit(runs, environment: "staging")
        #expect(report.cases.map(\.failure) == [nil, "flow run f2 FAILED: asked to fail"])
        #expect(report.cases.map(\.className) == ["crank.smoke.staging", "crank.smoke.staging"])
        #expect(report.cases.map(\.seconds) == [2.25, 3])
        #expect(SmokeRendering.annotations(runs, title: "crank smoke --env staging").map { $0.command() }
            == ["::error title=crank smoke --env staging::daily: flow run f2 FAILED: asked to fail"])
        let summary = SmokeRendering.summary(runs, title: "crank smoke --env staging").markdown()
        #expect(summary.contains("FAILED — 1 of 2 flow run(s) did not complete"))
        #expect(summary.contains("| daily | f2 | FAILED | 3.0 | asked to fail |"))
    }
}
