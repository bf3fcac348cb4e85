import DeployCore
import Foundation

enum ReleaseRendering {
    /// `containerLogs`: the command that shows a container deployment's output (container target).
    static func render(_ outcome: ReleaseOutcome, json: Bool, target: TargetKind, containerLogs: ((String) -> String)? = nil, on terminal: Terminal) {
        if json {
            try? terminal.printJSON(outcome)
            return
        }
        let rows = [["DEPLOYMENT", "ACTION", "OUTCOME", "DETAIL"]] + outcome.deployments.map { [$0.name, $0.action, $0.outcome, $0.detail ?? ""] }
        terminal.print(TextTable.render(rows))
        if !outcome.hooks.isEmpty {
            let hookRows = [["HOOK", "COMMAND", "OUTCOME", "DURATION"]] + outcome.hooks.map { run in
                [run.phase.rawValue, run.command, run.outcome + (run.exitStatus.map { " (exit \($0))" } ?? ""),
                 DurationText.format(Double(run.durationMilliseconds) / 1000)]
            }
            terminal.print(TextTable.render(hookRows))
        }
        switch outcome.status {
        case "failed":
            if let failure = outcome.failure, failure.check.hasSuffix(" hook") {
                let what = failure.check == "pre_rollback hook" ? "rollback to \(outcome.release ?? "?") refused" : "release \(outcome.release ?? "?") failed"
                terminal.error("\(what): \(failure.check) \(failure.observed)\(failure.deployment == "-" ? "" : " (on \(failure.deployment))"), wanted \(failure.threshold)",
                               hint: failureHint(outcome, failure, target: target, containerLogs: containerLogs))
            } else if let failure = outcome.failure {
                terminal.error("release \(outcome.release ?? "?") failed: \(failure.deployment) \(failure.check) check observed \(failure.observed), wanted \(failure.threshold)",
                               hint: failureHint(outcome, failure, target: target, containerLogs: containerLogs))
            }
        case "unchanged":
            terminal.note("nothing to deploy: \(outcome.environment) already runs \(outcome.release ?? "this config")")
        case "rolled-back":
            terminal.note("\(outcome.environment) rolled back to \(outcome.release ?? "?")")
            if let failure = outcome.failure {
                terminal.error("\(failure.check) failed: \(failure.observed)", hint: "the rollback stands; the hook's output is in the release's log (.crank/state/\(outcome.environment)/releases/\(outcome.release ?? "?").log)")
            }
        default:
            terminal.note("\(outcome.environment) is live at \(outcome.release ?? "?")")
        }
    }

    static func failureHint(_ outcome: ReleaseOutcome, _ failure: HealthFailure, target: TargetKind, containerLogs: ((String) -> String)? = nil) -> String {
        let restored = outcome.deployments.contains { $0.action == "rollback" }
        if failure.check.hasSuffix(" hook") {
            let log = ".crank/state/\(outcome.environment)/releases/\(outcome.release ?? "?").log"
            switch failure.check {
            case "pre_deploy hook", "pre_rollback hook": return "nothing was stopped or started; the hook's output is in \(log)"
            default: return "\(restored ? "the previous release was restored" : "the deployments were left as deployed (--no-rollback)"); the hook's output is in \(log)"
            }
        }
        switch target {
        case .prefect:
            let undo = restored ? "what this deploy registered was put back as the previous release had it (rollback rows above)"
                                : "the deployments were left as registered"
            return failure.check == "smoke" ? "\(undo); the flow run's logs are in the Prefect UI" : undo
        case .container where failure.check == "build":
            return "no container was stopped or started; fix the build and deploy again"
        case .container where failure.check == "ship":
            return "no container was stopped or started; the image could not be put on that host (check its disk space and engine: `ssh <host> podman info`)"
        case .container where failure.deployment.contains("@"):
            let undo = restored ? "every host this deploy changed was put back to the previous release" : "the failed containers were left in place"
            let parts = failure.deployment.split(separator: "@").map(String.init)
            let logs = containerLogs?(parts.first ?? "") ?? "podman logs"
            return "\(undo); the failed container is kept stopped on \(parts.last ?? "the host"): `\(logs)` there"
        case .swarm where failure.check == "build" || failure.check == "ship":
            return "no service was changed; fix the image build (or the load into the swarm's engine) and deploy again"
        case .swarm:
            let undo = restored ? "every service this deploy changed runs the previous release's spec again (rollback rows above)" : "the services were left as updated"
            return "\(undo); `docker service ps --no-trunc <project>-<env>_\(failure.deployment)` shows why its tasks failed"
        case .container:
            let undo = restored ? "the previous release's container serves again" : "the failed container was left in place"
            return "\(undo); the failed container is kept stopped: `\(containerLogs?(failure.deployment) ?? "podman logs")`"
        case _ where failure.check == "port":
            // `name@host` on an environment with hosts.
            let parts = failure.deployment.split(separator: "@", maxSplits: 1).map(String.init)
            let undo = restored ? "the previous release was restored where it could be" : "nothing was started"
            let place = parts.count == 2 ? " on \(parts[1])" : ""
            return "\(undo); stop the process holding the port\(place) (crank never stops one it did not start), or change deployments.\(parts[0]).port"
        case _ where failure.deployment.contains("@"):
            var undo = restored ? "every host this deploy changed was put back to the previous release" : "the failed deployment was left running"
            if outcome.deployments.contains(where: { $0.outcome == "not started" }) { undo += "; the later batches were not started" }
            let parts = failure.deployment.split(separator: "@")
            return "\(undo); its log is on \(parts.last ?? "the host") in <root>/run/\(outcome.environment)/\(parts.first ?? "").log"
        default:
            let undo = restored ? "the previous release was restored" : "the failed deployment was left running"
            return "\(undo); see the log in .crank/run/\(outcome.environment)/\(failure.deployment).log"
        }
    }
}
