import ArgumentParser
import DeployCore
import Foundation

extension Crank {
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check config, overlays, flows, parameters, schedules, ports and secrets; report every issue.",
            discussion: "Without --env, every declared environment is checked. Exits 1 when any error is found.")

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, github
        }

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: ArgumentHelp("Environment to check (default: all).", valueName: "env"),
                completion: .custom(ShellCompletion.environments))
        var env: String?

        @Option(help: ArgumentHelp("Output format for issues: text, or github (workflow commands: ::error file=…,line=…::…).", valueName: "text|github"))
        var format: Format = .text

        @Flag(help: "Report a secret without a value on this machine as an error (default: a warning; build, plan and deploy always need the values).")
        var requireSecrets = false

        func run() async throws {
            let root = global.resolvedRoot()
            let report = ProjectValidation.run(root: root, environment: env, processEnvironment: ProcessInfo.processInfo.environment,
                                               secretValues: requireSecrets ? .required : .optional)
            let terminal = Terminal()
            if global.json {
                try terminal.printJSON(report)
            } else if format == .github {
                terminal.print(report.issues.map(IssueRendering.githubCommand).joined(separator: "\n"))
            } else {
                terminal.report(report.issues)
                let errors = report.issues.filter { $0.severity == .error }.count
                let checked = report.environments.isEmpty ? "" : " (\(report.environments.joined(separator: ", ")))"
                terminal.note(errors == 0
                    ? "config is valid\(checked); \(report.issues.count) warning\(report.issues.count == 1 ? "" : "s")"
                    : "\(errors) error\(errors == 1 ? "" : "s"), \(report.issues.count - errors) warning\(report.issues.count - errors == 1 ? "" : "s")\(checked)")
            }
            if report.hasErrors { throw ExitCode(1) }
        }
    }
}
