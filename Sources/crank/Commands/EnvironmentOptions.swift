import ArgumentParser
import DeployCore
import Foundation

/// `--env` plus loading that environment's effective config, shared by the commands
/// that need one. A config with errors stops the command with every issue printed.
struct EnvironmentOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The environment (its overlay deployment/environments/<env>.yaml is merged in).", valueName: "env"),
            completion: .custom(ShellCompletion.environments))
    var env: String

    func loadEffective(global: GlobalOptions, terminal: Terminal) throws -> EffectiveConfig {
        let loader = ConfigLoader(root: global.resolvedRoot(), processEnvironment: ProcessInfo.processInfo.environment)
        let (effective, issues) = loader.load(environment: env)
        guard let effective, !issues.contains(where: { $0.severity == .error }) else {
            terminal.report(issues)
            terminal.note("the config has errors; `crank validate --env \(env)` lists them all")
            throw ExitCode(1)
        }
        return effective
    }

    /// Why the config on disk cannot be used: every issue, and one line for a warning.
    struct ConfigProblem: Error {
        var issues: [ConfigIssue]
        var summary: String
    }

    /// The effective config when it loads without errors; else what is wrong with it.
    func loadIfValid(root: String) -> Result<EffectiveConfig, ConfigProblem> {
        let loader = ConfigLoader(root: root, processEnvironment: ProcessInfo.processInfo.environment)
        let (effective, issues) = loader.load(environment: env)
        let errors = issues.filter { $0.severity == .error }
        if let effective, errors.isEmpty { return .success(effective) }
        let first = errors.first.map { issue in
            let place = issue.line.map { "\(issue.file):\($0)" } ?? issue.file
            return "\(place): \(issue.message)"
        } ?? "the config cannot be loaded"
        let more = errors.count > 1 ? " (and \(errors.count - 1) more)" : ""
        return .failure(ConfigProblem(issues: issues, summary: "\(ProjectRoot.configFileName) cannot be used (\(first)\(more))"))
    }

    /// The check `crank validate --env ENV` runs, before build, plan or deploy do anything:
    /// on any error every issue is printed, "not <outcome>: the config has errors", exit 1.
    func requireValid(global: GlobalOptions, terminal: Terminal, outcome: String) throws {
        let report = ProjectValidation.run(root: global.resolvedRoot(), environment: env, processEnvironment: ProcessInfo.processInfo.environment)
        guard report.hasErrors else { return }
        terminal.report(report.issues)
        terminal.note("not \(outcome): the config has errors")
        throw ExitCode(1)
    }
}
