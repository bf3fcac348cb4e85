import DeployCore
import Foundation

/// What `--format github` adds to a command: annotations on stdout and a job summary appended
/// to the file `$GITHUB_STEP_SUMMARY` names (nothing when it is unset or empty). Every text goes
/// through the environment's redactor, so secret values reach neither.
struct GitHubOutput {
    let terminal: Terminal
    let redactor: Redactor
    let summaryFile: String?

    init(terminal: Terminal, redactor: Redactor = .none, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.terminal = terminal
        self.redactor = redactor
        summaryFile = environment["GITHUB_STEP_SUMMARY"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The redactor for every secret the project declares (`secrets:` lists, the Prefect API key,
    /// the SSH key), with their values from the process environment and `.crank/secrets/<env>.env`.
    static func redactor(for effective: EffectiveConfig, environment: String) -> Redactor {
        SecretStore.load(root: effective.root, environment: environment, processEnvironment: ProcessInfo.processInfo.environment)
            .redactor(for: effective.declaredSecrets.sorted())
    }

    func annotate(_ annotations: [GitHubAnnotation]) {
        terminal.print(annotations.map { $0.command(redactor: redactor) }.joined(separator: "\n"))
    }

    func summarize(_ summary: StepSummary) {
        guard let summaryFile else { return }
        do { try StepSummary.append(summary.markdown(redactor: redactor), to: summaryFile) } catch {
            terminal.warning("\(error)", hint: "GITHUB_STEP_SUMMARY names a file the job can write; outside GitHub Actions unset it")
        }
    }
}
