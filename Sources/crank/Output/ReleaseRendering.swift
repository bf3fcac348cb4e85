import DeployCore
import Foundation

enum ReleaseRendering {
    static func render(_ outcome: ReleaseOutcome, json: Bool, on terminal: Terminal) {
        if json {
            try? terminal.printJSON(outcome)
            return
        }
        let rows = [["DEPLOYMENT", "ACTION", "OUTCOME", "DETAIL"]] + outcome.deployments.map { [$0.name, $0.action, $0.outcome, $0.detail ?? ""] }
        terminal.print(TextTable.render(rows))
        switch outcome.status {
        case "failed":
            if let failure = outcome.failure {
                terminal.error("release \(outcome.release ?? "?") failed: \(failure.deployment) \(failure.check) check observed \(failure.observed), wanted \(failure.threshold)",
                               hint: "the previous release was restored; see the log in .crank/run/\(outcome.environment)/\(failure.deployment).log")
            }
        case "unchanged":
            terminal.note("nothing to deploy: \(outcome.environment) already runs \(outcome.release ?? "this config")")
        case "rolled-back":
            terminal.note("\(outcome.environment) rolled back to \(outcome.release ?? "?")")
        default:
            terminal.note("\(outcome.environment) is live at \(outcome.release ?? "?")")
        }
    }
}
