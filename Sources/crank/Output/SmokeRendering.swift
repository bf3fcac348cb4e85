import DeployCore
import Foundation

/// `crank smoke` results for CI: JUnit cases, annotations for the runs that did not complete,
/// and the job summary.
enum SmokeRendering {
    static func junit(_ runs: [SmokeRun], environment: String) -> JUnitReport {
        JUnitReport(name: "crank smoke \(environment)", cases: runs.map { run in
            JUnitReport.TestCase(className: "crank.smoke.\(environment)", name: run.deployment, seconds: run.seconds,
                                 failure: run.passed ? nil : problem(run), output: run.flowRunID.map { "flow run \($0): \(run.state)" })
        })
    }

    static func annotations(_ runs: [SmokeRun], title: String) -> [GitHubAnnotation] {
        runs.filter { !$0.passed }.map { GitHubAnnotation(.error, "\($0.deployment): \(problem($0))", title: title) }
    }

    static func summary(_ runs: [SmokeRun], title: String) -> StepSummary {
        var summary = StepSummary(title)
        let failed = runs.filter { !$0.passed }.count
        summary.paragraph(failed == 0 ? "\(runs.count) flow run(s) COMPLETED" : "FAILED — \(failed) of \(runs.count) flow run(s) did not complete")
        summary.table(["DEPLOYMENT", "FLOW RUN", "STATE", "SECONDS", "MESSAGE"], runs.map {
            [$0.deployment, $0.flowRunID ?? "-", $0.state, String(format: "%.1f", $0.seconds), $0.message ?? ""]
        })
        return summary
    }

    /// "flow run ID FAILED: message"
    static func problem(_ run: SmokeRun) -> String {
        "flow run \(run.flowRunID ?? "-") \(run.state)\(run.message.map { ": \($0)" } ?? "")"
    }
}
