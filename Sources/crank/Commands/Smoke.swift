import ArgumentParser
import DeployCore
import Foundation

extension Crank {
    struct Smoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run flow deployments of a Prefect environment once and wait for each run to finish.",
            discussion: """
                Creates a flow run per deployment and waits for a terminal state; a worker must poll the \
                deployment's work pool. Parameters default to the deployment's `smoke:` parameters, else its \
                own. Exit 0 when every run COMPLETED, 1 otherwise.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var environment: EnvironmentOptions
        @Argument(help: ArgumentHelp("Deployments to run.", valueName: "name"), completion: .custom(ShellCompletion.deployments)) var names: [String] = []
        @Flag(help: "Every deployment of the live release.") var all = false
        @Option(help: ArgumentHelp("Flow parameters as a JSON object (overrides smoke: parameters).", valueName: "json")) var parameters: String?
        @Option(help: ArgumentHelp("How long to wait for each run (e.g. 90s, 10m).", valueName: "duration")) var timeout: String?
        @OptionGroup var report: JUnitOption
        @OptionGroup var output: FormatOptions

        func validate() throws {
            try output.check(json: global.json)
            guard all != !names.isEmpty else { throw ValidationError("name deployments or pass --all (not both)") }
            if let timeout, Duration.seconds(timeout) == nil { throw ValidationError("--timeout: use a duration such as 90s or 10m") }
            if let parameters, case .object? = try? JSONDecoder().decode(JSONValue.self, from: Data(parameters.utf8)) {} else if parameters != nil {
                throw ValidationError("--parameters must be a JSON object, e.g. '{\"batch_size\": 5}'")
            }
        }

        func run() async throws {
            var terminal = Terminal()
            let title = "crank smoke --env \(environment.env)"
            if output.github { terminal.annotationTitle = title }
            let session = try ReleaseSession(global: global, environment: environment, terminal: terminal)
            guard let engine = session.engine as? PrefectReleaseEngine else {
                terminal.error("`crank smoke` runs Prefect flow deployments; \(environment.env) is a \(session.target.rawValue) environment",
                               hint: "use a `target: prefect` environment, or `crank health --env \(environment.env)` for services")
                throw ExitCode(1)
            }
            var overrides: [String: JSONValue]?
            if let parameters, case .object(let values)? = try? JSONDecoder().decode(JSONValue.self, from: Data(parameters.utf8)) { overrides = values }
            let runs: [SmokeRun]
            do {
                var selected = names
                if all {
                    let live = try await session.store.live(environment: environment.env)
                    guard let live else { throw ReleaseEngine.Failure.notDeployed }
                    selected = live.deployments.map(\.name)
                }
                runs = try await engine.smoke(selected, parameters: overrides, timeout: timeout.flatMap(Duration.seconds))
            } catch let failure as ReleaseEngine.Failure {
                throw session.fail(failure)
            } catch {
                terminal.error("cannot read the live release: \(error)", hint: ReleaseSession.prefectHint(environment.env))
                throw ExitCode(1)
            }
            await session.audit(command: "smoke", arguments: Array(CommandLine.arguments.dropFirst()),
                                outcome: runs.allSatisfy(\.passed) ? "passed" : "failed", release: nil)
            let redactor = GitHubOutput.redactor(for: session.effective, environment: environment.env)
            try report.write(SmokeRendering.junit(runs, environment: environment.env), global: global, redactor: redactor, terminal: terminal)
            if global.json {
                try terminal.printJSON(runs)
            } else {
                terminal.print(TextTable.render([["DEPLOYMENT", "FLOW RUN", "STATE", "SECONDS", "MESSAGE"]] + runs.map {
                    [$0.deployment, $0.flowRunID ?? "-", $0.state, String(format: "%.1f", $0.seconds), $0.message ?? ""]
                }))
            }
            if output.github {
                let github = GitHubOutput(terminal: terminal, redactor: redactor)
                github.annotate(SmokeRendering.annotations(runs, title: title))
                github.summarize(SmokeRendering.summary(runs, title: title))
            }
            if !runs.allSatisfy(\.passed) { throw ExitCode(1) }
        }
    }
}
