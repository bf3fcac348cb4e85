import ArgumentParser
import DeployCore
import Foundation

extension Crank {
    struct Deploy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deploy an environment: validate, build, apply changed deployments, gate on health, record the release.",
            discussion: """
                All or nothing: if a deployment fails to start or to pass its health check, every deployment \
                already changed is restored to the previous live release and the failed release is recorded \
                with its reason (exit 1). Exit 3 when another deploy holds the environment's lock.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var environment: EnvironmentOptions
        @Flag(help: "Python (process) deployments only.") var python = false
        @Flag(help: "Container deployments only.") var containers = false
        @Flag(help: "Both kinds (the default).") var all = false
        @Option(parsing: .upToNextOption, help: ArgumentHelp("Deploy only these deployments.", valueName: "name"),
                completion: .custom(ShellCompletion.deployments)) var only: [String] = []
        @Option(help: ArgumentHelp("Deployments applied at once.", valueName: "n")) var jobs = 4
        @Flag(help: "Print the plan; change nothing.") var dryRun = false
        @Option(help: ArgumentHelp("Wait this long for the lock (e.g. 30s, 5m).", valueName: "duration")) var lockWait = "0s"
        @Flag(help: "Leave a failed deployment as it is instead of restoring the previous release.") var noRollback = false
        @Option(help: ArgumentHelp("Why (recorded with the release and in the audit log).", valueName: "text")) var reason: String?
        @Flag(help: "Prefect: create missing work pools (process, or docker for container deployments).") var createPools = false
        @Flag(help: "Prefect: delete crank's deployments of the environment that are no longer in config.") var prune = false
        @OptionGroup var output: FormatOptions

        func validate() throws {
            try output.check(json: global.json)
            guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
            guard Duration.seconds(lockWait) != nil else { throw ValidationError("--lock-wait: use a duration such as 30s, 5m or 1h") }
        }

        func run() async throws {
            var terminal = Terminal()
            if output.github { terminal.annotationTitle = "crank deploy --env \(environment.env)" }
            try environment.requireValid(global: global, terminal: terminal, outcome: "deployed")
            var session = try ReleaseSession(global: global, environment: environment, terminal: terminal)
            let env = environment.env
            if !global.json {
                session.engine.progress = { [terminal] result in
                    terminal.note("  \(result.name): \(result.outcome)\(result.detail.map { " (\($0))" } ?? "")")
                }
            }
            let pipeline = BuildPipeline(effective: session.effective, runner: ProcessCommandRunner(), processEnvironment: ProcessInfo.processInfo.environment)
            let (plan, manifest, inputs): (DeployPlan, BuildManifest, BuildInputs)
            do {
                (plan, manifest, inputs) = try pipeline.build(selection: .init(python: python || all, containers: containers || all))
            } catch {
                terminal.error(error.message, hint: error.hint)
                throw ExitCode(1)
            }
            terminal.annotationRedactor = inputs.redactor
            let github = output.github ? GitHubOutput(terminal: terminal, redactor: inputs.redactor) : nil
            if dryRun {
                var diff: PlanDiff
                do {
                    diff = try await session.engine.plan(manifest)
                    if let preview = session.engine as? RemoteCommandPreview { diff.remoteCommands = try await preview.remoteCommands(manifest) }
                } catch { throw session.fail(error) }
                if global.json { try terminal.printJSON(diff) } else {
                    terminal.print(PlanRendering.steps(plan, dryRun: true))
                    terminal.print(PlanRendering.diff(diff))
                }
                github?.summarize(PlanRendering.summary(diff, title: "crank deploy --env \(env) --dry-run"))
                return
            }
            var options = DeployOptions()
            options.only = only
            options.jobs = jobs
            options.rollbackOnFailure = !noRollback
            options.reason = reason
            options.createPools = createPools
            options.prune = prune
            options.arguments = Array(CommandLine.arguments.dropFirst())
            let outcome: ReleaseOutcome = try await session.locked(command: "crank deploy --env \(env)", wait: Duration.seconds(lockWait) ?? 0) {
                session.recordSettings()
                do {
                    try PlanExecutor(root: session.effective.root, runner: ProcessCommandRunner(), redactor: inputs.redactor).execute(plan, runCommands: false)
                    let outcome = try await session.engine.deploy(manifest, options: options)
                    await session.audit(command: "deploy", arguments: options.arguments, outcome: outcome.status, release: outcome.release, hooks: outcome.hooks)
                    return outcome
                } catch let failure as ReleaseEngine.Failure {
                    await session.audit(command: "deploy", arguments: options.arguments, outcome: "error", release: nil)
                    throw session.fail(failure)
                }
            }
            ReleaseRendering.render(outcome, json: global.json, target: session.target, containerLogs: session.containerLogs(release: outcome.release), on: terminal)
            if let github {
                let title = "crank deploy --env \(env)"
                github.annotate(ReleaseSummary.annotations(outcome, title: title))
                github.summarize(ReleaseSummary.summary(outcome, target: session.target, title: title))
            }
            if outcome.status == "failed" { throw ExitCode(1) }
        }
    }
}

/// `30s`, `5m`, `1h`, `250ms`, or plain seconds (DeployCore's `DurationText`).
enum Duration {
    static func seconds(_ text: String) -> Double? { DurationText.seconds(text) }
}
