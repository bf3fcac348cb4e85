import DeployCore

/// `--format github` for deploy and rollback outcomes: a warning annotation per deployment the
/// all-or-nothing rule rolled back (the failed gate itself is the `error:` line, annotated by
/// the Terminal), and the job summary table.
enum ReleaseSummary {
    static func annotations(_ outcome: ReleaseOutcome, title: String) -> [GitHubAnnotation] {
        guard outcome.status == "failed" else { return [] }
        let reason = outcome.failure.map { " after \($0.deployment) failed its \($0.check) check (observed \($0.observed), wanted \($0.threshold))" } ?? ""
        return outcome.deployments.filter { $0.action == "rollback" }.map { result in
            GitHubAnnotation(.warning, "\(result.name): rolled back, \(result.outcome)\(reason)\(result.detail.map { "; \($0)" } ?? "")",
                             title: "\(title): rollback of release \(outcome.release ?? "?")")
        }
    }

    /// `crank rollback`: an error naming the failed check when the restore failed (nothing else
    /// is a problem: a rollback that went through is the summary's verdict).
    static func rollbackAnnotations(_ outcome: ReleaseOutcome, title: String) -> [GitHubAnnotation] {
        guard outcome.status == "failed" || outcome.failure != nil else { return [] }
        let why = outcome.failure.map { "\($0.deployment) failed its \($0.check) check (observed \($0.observed), wanted \($0.threshold))" } ?? "a deployment did not start"
        return [GitHubAnnotation(.error, "rollback of \(outcome.environment) to \(outcome.release ?? "?") failed: \(why)", title: title)]
    }

    /// The verdict, then DEPLOYMENT, TARGET, RELEASE, ACTION, OUTCOME, DETAIL per deployment
    /// (`name@host` rows show the host in TARGET; a rollback row the release it restored).
    static func summary(_ outcome: ReleaseOutcome, target: TargetKind, title: String) -> StepSummary {
        var summary = StepSummary(title)
        summary.paragraph(verdict(outcome))
        summary.table(["DEPLOYMENT", "TARGET", "RELEASE", "ACTION", "OUTCOME", "DETAIL"], outcome.deployments.map { result in
            let parts = result.name.split(separator: "@", maxSplits: 1).map(String.init)
            let place = parts.count == 2 ? "\(target.rawValue) on \(parts[1])" : target.rawValue
            let restored = result.action == "rollback" && result.outcome.hasPrefix("restored ") ? String(result.outcome.dropFirst("restored ".count)) : nil
            return [parts.first ?? result.name, place, restored ?? outcome.release ?? "-", result.action, result.outcome, result.detail ?? ""]
        })
        return summary
    }

    static func verdict(_ outcome: ReleaseOutcome) -> String {
        switch outcome.status {
        case "failed":
            let why = outcome.failure.map { ": \($0.deployment) \($0.check) check observed \($0.observed), wanted \($0.threshold)" } ?? ""
            let restored = outcome.deployments.contains { $0.action == "rollback" } ? "; the previous release was restored" : ""
            return "FAILED — release \(outcome.release ?? "?") of \(outcome.environment) failed\(why)\(restored)"
        case "unchanged": return "unchanged — \(outcome.environment) already runs \(outcome.release ?? "this config")"
        case "rolled-back": return "\(outcome.environment) rolled back to \(outcome.release ?? "?")"
        default: return "\(outcome.environment) is live at \(outcome.release ?? "?")"
        }
    }
}
