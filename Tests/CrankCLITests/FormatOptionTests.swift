import ArgumentParser
@testable import crank
@testable import DeployCore
import Foundation
import Testing

@Suite("--format github on the CI-facing commands")
struct FormatOptionTests {
    static let commands: [[String]] = [
        ["validate"], ["doctor", "--env", "dev"], ["plan", "--env", "dev"], ["deploy", "--env", "dev"],
        ["smoke", "--env", "staging", "--all"], ["health", "--env", "dev"],
    ]

    @Test("all six commands take --format text|github, and --format github with --json is a usage error (exit 64)", arguments: commands)
    func usage(_ command: [String]) throws {
        #expect(throws: Never.self) { _ = try Crank.parseAsRoot(command + ["--format", "github"]) }
        #expect(throws: Never.self) { _ = try Crank.parseAsRoot(command + ["--format", "text", "--json"]) }
        do {
            _ = try Crank.parseAsRoot(command + ["--format", "github", "--json"])
            Issue.record("\(command) accepted --format github --json")
        } catch {
            #expect(Crank.exitCode(for: error) == ExitCode(64))
            #expect(Crank.message(for: error).contains("--format github cannot be combined with --json"))
        }
        #expect(throws: (any Error).self) { _ = try Crank.parseAsRoot(command + ["--format", "xml"]) }
    }

    @Test("deploy: a failed gate is summarized with the reason; each rolled-back deployment is a warning annotation")
    func failedDeploy() {
        let outcome = ReleaseOutcome(environment: "dev", release: "r2", status: "failed", deployments: [
            DeploymentResult(name: "api", action: "start", outcome: "failed", detail: "http: HTTP 503 (wanted HTTP 200 within 5 s)"),
            DeploymentResult(name: "api", action: "rollback", outcome: "restored r1", detail: nil),
        ], failure: HealthFailure(deployment: "api", check: "http", observed: "HTTP 503", threshold: "HTTP 200 within 5 s"))
        #expect(ReleaseSummary.annotations(outcome, title: "crank deploy --env dev").map { $0.command() } == [
            "::warning title=crank deploy --env dev%3A rollback of release r2::api: rolled back, restored r1 after api failed its http check (observed HTTP 503, wanted HTTP 200 within 5 s)",
        ])
        let markdown = ReleaseSummary.summary(outcome, target: .local, title: "crank deploy --env dev").markdown()
        #expect(markdown.contains("FAILED — release r2 of dev failed: api http check observed HTTP 503, wanted HTTP 200 within 5 s; the previous release was restored"))
        #expect(markdown.contains("| DEPLOYMENT | TARGET | RELEASE | ACTION | OUTCOME | DETAIL |"))
        #expect(markdown.contains("| api | local | r1 | rollback | restored r1 |  |"))
        var live = outcome
        live.status = "live"
        live.failure = nil
        #expect(ReleaseSummary.annotations(live, title: "t").isEmpty)
    }

    @Test("deploy on hosts: the host goes in the TARGET column")
    func hosts() {
        let outcome = ReleaseOutcome(environment: "prod", release: "r3", status: "live",
                                     deployments: [DeploymentResult(name: "api@web-1", action: "start", outcome: "deployed", detail: nil)], failure: nil)
        #expect(ReleaseSummary.summary(outcome, target: .local, title: "t").markdown().contains("| api | local on web-1 | r3 | start | deployed |  |"))
    }

    @Test("plan: the summary counts and lists create, update and delete with the changed fields")
    func plan() {
        let diff = PlanDiff(environment: "dev", liveRelease: "r1", deployments: [
            .init(name: "api", action: .update, role: "service", kind: "python", changes: [.init(field: "port", from: .int(8000), to: .int(8001))]),
            .init(name: "etl", action: .create, role: "flow", kind: "python", changes: []),
            .init(name: "old", action: .delete, role: "worker", kind: "python", changes: []),
        ])
        let markdown = PlanRendering.summary(diff, title: "crank plan --env dev").markdown()
        #expect(markdown.contains("1 to create, 1 to update, 1 to delete, 0 unchanged (live release: r1; compared with the live release)"))
        #expect(markdown.contains("| api | update | service, python | port: 8000 → 8001 |"))
        #expect(markdown.contains("| etl | create | flow, python |  |"))
        #expect(markdown.contains("| old | delete | worker, python |  |"))
    }
}
