import ArgumentParser
import DeployCore
import Foundation

extension Crank {
    struct Exec: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a one-off command with the live release's code, env and secrets.",
            discussion: """
                Local target: in the release directory; container target: in a one-off container of the \
                release's image (`run --rm -i`, `-t` when stdin is a terminal); with hosts: on --host (default \
                the deployment's first host) over ssh. Exit status: the command's own (128+N after signal N); \
                125 when crank could not run it. Audited; takes no lock.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var environment: EnvironmentOptions
        @Argument(help: ArgumentHelp("The deployment whose code and environment to use (default: the only one).", valueName: "name"),
                  completion: .custom(ShellCompletion.deployments)) var deployment: String?
        @Option(help: ArgumentHelp("The host to run on (environments with hosts).", valueName: "name")) var host: String?
        @Argument(parsing: .postTerminator, help: "The command, after `--`.") var command: [String] = []

        func validate() throws {
            guard !command.isEmpty else { throw ValidationError("give the command after `--`, e.g. crank exec --env dev web -- python manage.py shell") }
            guard !global.json else { throw ValidationError("--json does not apply to exec: the command's own output is passed through") }
        }

        func run() async throws {
            let terminal = Terminal()
            let session: ReleaseSession
            do { session = try ReleaseSession(global: global, environment: environment, terminal: terminal, recorded: true) } catch { throw ExitCode(125) }
            let plan: OneOffPlan
            do {
                let live = try await session.store.live(environment: environment.env)
                plan = try OneOffPlanner.plan(session.engine, live: try LiveDeployment.resolve(deployment, live: live, environment: environment.env),
                                              command: command, host: host, terminal: isatty(STDIN_FILENO) == 1,
                                              processEnvironment: ProcessInfo.processInfo.environment)
            } catch let failure as OperationFailure {
                OperationRendering.report(failure, environment: environment.env, terminal: terminal)
                throw ExitCode(125)
            } catch {
                terminal.error("cannot read the live release: \(error)", hint: ReleaseSession.prefectHint(environment.env))
                throw ExitCode(125)
            }
            let status: Int32
            do throws(OperationFailure) {
                status = try OneOffExecution.run(plan, engine: session.engine)
            } catch {
                OperationRendering.report(error, environment: environment.env, terminal: terminal)
                await session.audit(command: "exec", arguments: plan.recorded(Array(CommandLine.arguments.dropFirst())),
                                    outcome: "not run", release: plan.release)
                throw ExitCode(125)
            }
            await session.audit(command: "exec", arguments: plan.recorded(Array(CommandLine.arguments.dropFirst())),
                                outcome: "exit \(status)" + (plan.host.map { " on \($0)" } ?? ""), release: plan.release)
            if status != 0 { throw ExitCode(status) }
        }
    }
}
