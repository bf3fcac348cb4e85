import ArgumentParser
import DeployCore
import Foundation

extension Crank {
    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare an environment's desired deployments with its live release.",
            discussion: "Per deployment: create, update (with field changes), delete or unchanged. Exit 0; with --detailed-exitcode, 2 when there are changes; 1 on error.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var environment: EnvironmentOptions

        @Flag(help: "Exit 2 when the plan has changes (like terraform plan).") var detailedExitcode = false
        @OptionGroup var output: FormatOptions

        func validate() throws { try output.check(json: global.json) }

        func run() async throws {
            var terminal = Terminal()
            if output.github { terminal.annotationTitle = "crank plan --env \(environment.env)" }
            try environment.requireValid(global: global, terminal: terminal, outcome: "planned")
            let session = try ReleaseSession(global: global, environment: environment, terminal: terminal)
            let pipeline = BuildPipeline(effective: session.effective, runner: ProcessCommandRunner(), processEnvironment: ProcessInfo.processInfo.environment)
            let manifest: BuildManifest
            do {
                manifest = try pipeline.build(selection: .init(python: false, containers: false)).1
            } catch {
                terminal.error(error.message, hint: error.hint)
                throw ExitCode(1)
            }
            let diff: PlanDiff
            do { diff = try await session.engine.plan(manifest) } catch { throw session.fail(error) }
            if global.json {
                try terminal.printJSON(diff)
            } else {
                terminal.print(PlanRendering.diff(diff))
            }
            if output.github {
                GitHubOutput(terminal: terminal, redactor: GitHubOutput.redactor(for: session.effective, environment: environment.env))
                    .summarize(PlanRendering.summary(diff, title: "crank plan --env \(environment.env)"))
            }
            if detailedExitcode && diff.hasChanges { throw ExitCode(2) }
        }
    }
}
