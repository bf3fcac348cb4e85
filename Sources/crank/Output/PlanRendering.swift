import DeployCore

/// Human forms of build plans and plan diffs.
enum PlanRendering {
    static func steps(_ plan: DeployPlan, dryRun: Bool) -> String {
        plan.steps.map { step in
            switch step {
            case .writeFile(let path, _): return (dryRun ? "would write  " : "wrote        ") + path
            case .run(let command, let purpose): return "deploy runs  \(command)   # \(purpose)"
            }
        }.joined(separator: "\n")
    }

    static func diff(_ diff: PlanDiff) -> String {
        var lines = ["Plan for \(diff.environment) (live release: \(diff.liveRelease ?? "none"); compared with \(diff.comparedWith))"]
        let symbols: [PlanDiff.Action: String] = [.create: "+", .update: "~", .delete: "-", .unchanged: "="]
        for change in diff.deployments {
            lines.append("  \(symbols[change.action]!) \(change.name)  \(change.action.rawValue)  (\(change.role), \(change.kind))")
            for field in change.changes {
                lines.append("      \(field.field): \(ConfigValueText.render(field.from)) → \(ConfigValueText.render(field.to))")
            }
        }
        lines.append(counts(diff))
        if let rollout = diff.rollout, !rollout.batches.isEmpty {
            let pause = rollout.pause > 0 && rollout.batches.count > 1 ? ", \(DurationText.format(rollout.pause)) between batches" : ""
            lines.append("Rollout of the changed deployments' hosts (\(rollout.batches.count) batch\(rollout.batches.count == 1 ? "" : "es")\(pause)):")
            for (index, hosts) in rollout.batches.enumerated() {
                lines.append("  \(rollout.label(index) ?? "batch 1/1"): \(hosts.joined(separator: ", "))")
            }
        }
        if !diff.hooks.isEmpty {
            lines.append("Hooks the deploy runs (a failing pre_deploy changes nothing; a failing post_deploy rolls back):")
            for hook in diff.hooks {
                lines.append("  \(hook.phase.rawValue)  \(hook.commandLine)  (\(hook.deployment.map { "on \($0)" } ?? "environment"), timeout \(DurationText.format(hook.timeout)))")
            }
        }
        if let steps = diff.remoteCommands, !steps.isEmpty {
            lines.append("Commands on the hosts (in order per host; environments and secrets go through stdin, never shown):")
            for step in steps { lines.append("  \(step.host)  \(step.purpose): \(step.command)") }
        }
        return lines.joined(separator: "\n")
    }

    /// "1 to create, 2 to update, 0 to delete, 3 unchanged"
    static func counts(_ diff: PlanDiff) -> String {
        [PlanDiff.Action.create, .update, .delete, .unchanged].map { action in
            "\(diff.deployments.filter { $0.action == action }.count) \(action == .unchanged ? "unchanged" : "to \(action.rawValue)")"
        }.joined(separator: ", ")
    }

    /// The job summary of `crank plan` (and `deploy --dry-run`): the counts and a row per
    /// deployment with its changed fields.
    static func summary(_ diff: PlanDiff, title: String) -> StepSummary {
        var summary = StepSummary(title)
        summary.paragraph("\(counts(diff)) (live release: \(diff.liveRelease ?? "none"); compared with \(diff.comparedWith))")
        summary.table(["DEPLOYMENT", "ACTION", "KIND", "CHANGES"], diff.deployments.map { change in
            [change.name, change.action.rawValue, "\(change.role), \(change.kind)",
             change.changes.map { "\($0.field): \(ConfigValueText.render($0.from)) → \(ConfigValueText.render($0.to))" }.joined(separator: "\n")]
        })
        return summary
    }
}
