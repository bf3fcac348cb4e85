import ArgumentParser
import DeployCore

/// `crank reload`'s tables, notes and errors.
enum ReloadRendering {
    static func render(_ report: ReloadReport, json: Bool, on terminal: Terminal) {
        if json { try? terminal.printJSON(report); return }
        terminal.print(table(report.instances))
        let env = report.environment
        guard report.status == "applied" else {
            let missed = report.instances.filter { !$0.outcome.isApplied }.map(\.deployment)
            terminal.error("\(missed.count) of \(report.instances.count) instances did not apply the config: \(missed.joined(separator: ", "))",
                           hint: "release \(report.release ?? "-") is recorded as failed and \(report.previous) stays live; fix the instance (its log is in .crank/run/\(env)/) and run `crank reload --env \(env)` again")
            if !report.reverted.isEmpty {
                terminal.note("given the previous config (\(report.previous)) back:")
                terminal.print(table(report.reverted))
            }
            return
        }
        terminal.note("\(env): release \(report.release ?? "-") is live (config of \(report.instances.count) instance\(report.instances.count == 1 ? "" : "s") updated; code as in \(report.previous))")
    }

    static func render(_ preview: ReloadPreview, json: Bool, on terminal: Terminal) {
        if json { try? terminal.printJSON(preview); return }
        terminal.print(TextTable.render([["DEPLOYMENT", "INSTANCE", "METHOD", "TIMEOUT", "CHANGED"]] + preview.instances.map {
            [$0.deployment, $0.instance, $0.method, $0.timeout.map(DurationText.format) ?? "health gate", $0.changed.isEmpty ? "-" : $0.changed.joined(separator: ", ")]
        }))
        terminal.note("dry run: \(preview.instances.count) instance\(preview.instances.count == 1 ? "" : "s") in \(preview.environment) (live \(preview.live)); nothing was changed")
    }

    static func table(_ instances: [InstanceReload]) -> String {
        TextTable.render([["DEPLOYMENT", "INSTANCE", "METHOD", "OUTCOME"]] + instances.map { [$0.deployment, $0.instance, $0.method, $0.outcome.summary] })
    }

    /// `error:` / `hint:` for a reload that could not start (nothing changed); exit 1.
    static func fail(_ failure: ReloadFailure, environment env: String, on terminal: Terminal, session: ReleaseSession? = nil) -> ExitCode {
        switch failure {
        case .notDeployed:
            terminal.error("nothing is deployed in \(env)", hint: "deploy first: crank deploy --env \(env)")
        case .unknownDeployment(let name, let known):
            terminal.error("no service or worker '\(name)' in \(env)'s live release", hint: known.isEmpty ? "the live release has none" : "services and workers: \(known.joined(separator: ", "))")
        case .notReloadable(let name, let reason):
            terminal.error("'\(name)' cannot be reloaded: \(reason)", hint: "name services and workers of the live release")
        case .beyondConfig(let deployment, let fields):
            terminal.error("'\(deployment)' changed more than its config: \(fields.joined(separator: ", "))",
                           hint: "a reload only changes env; deploy the rest: crank deploy --env \(env) --only \(deployment)")
        case .unsupportedTarget(let target):
            terminal.error("`crank reload` does not reach \(target) yet",
                           hint: "deploy the new config (crank deploy --env \(env)); reload works for `target: local` environments (here or on hosts) and `target: container` ones on this machine")
        case .release(let failure):
            if let session { return session.fail(failure) }
            terminal.error("\(failure)")
        }
        return ExitCode(1)
    }
}
