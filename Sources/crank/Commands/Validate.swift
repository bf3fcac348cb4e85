import ArgumentParser
import DeployCore
import Foundation

extension Crank {
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check config, overlays, flows, parameters, schedules, ports and secrets; report every issue.",
            discussion: "Without --env, every declared environment is checked. Exits 1 when any error is found.")

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: ArgumentHelp("Environment to check (default: all).", valueName: "env"),
                completion: .custom(ShellCompletion.environments))
        var env: String?

        @OptionGroup var output: FormatOptions

        func validate() throws { try output.check(json: global.json) }

        @Flag(help: "Report a secret without a value on this machine as an error (default: a warning; build, plan and deploy always need the values).")
        var requireSecrets = false

        func run() async throws {
            let root = global.resolvedRoot()
            let report = ProjectValidation.run(root: root, environment: env, processEnvironment: ProcessInfo.processInfo.environment,
                                               secretValues: requireSecrets ? .required : .optional)
            let terminal = Terminal()
            let errors = report.issues.filter { $0.severity == .error }.count
            let checked = report.environments.isEmpty ? "" : " (\(report.environments.joined(separator: ", ")))"
            let verdict = errors == 0
                ? "config is valid\(checked); \(report.issues.count) warning\(report.issues.count == 1 ? "" : "s")"
                : "\(errors) error\(errors == 1 ? "" : "s"), \(report.issues.count - errors) warning\(report.issues.count - errors == 1 ? "" : "s")\(checked)"
            if global.json {
                try terminal.printJSON(report)
            } else if output.github {
                let github = GitHubOutput(terminal: terminal)
                github.annotate(report.issues.map(GitHubAnnotation.init))
                var summary = StepSummary("crank validate")
                summary.paragraph(verdict)
                summary.table(["SEVERITY", "LOCATION", "ISSUE", "HINT"], report.issues.map {
                    [$0.severity == .error ? "error" : "warning", IssueRendering.location($0), IssueRendering.text($0), $0.hint ?? ""]
                })
                github.summarize(summary)
            } else {
                terminal.report(report.issues)
                terminal.note(verdict)
            }
            if report.hasErrors { throw ExitCode(1) }
        }
    }
}
