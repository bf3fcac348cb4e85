import ArgumentParser
import DeployCore
import Foundation

/// `--all` or NAME…, shared by start, stop and restart.
struct SelectionOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("Deployments to act on.", valueName: "name"), completion: .custom(ShellCompletion.deployments)) var names: [String] = []
    @Flag(help: "Every deployment of the live release.") var all = false
    @Option(help: ArgumentHelp("""
        How long a stopping process gets between SIGTERM and SIGKILL (e.g. 10s, 1m): restart stops the running one; \
        start stops only a new process that fails its health check.
        """, valueName: "duration")) var timeout = "10s"
    @Option(help: ArgumentHelp("Wait this long for the environment's lock (e.g. 30s, 5m).", valueName: "duration")) var lockWait = "0s"

    func validate() throws {
        guard all != !names.isEmpty else { throw ValidationError("name deployments or pass --all (not both)") }
        guard Duration.seconds(timeout) != nil else { throw ValidationError("--timeout: use a duration such as 10s") }
        guard Duration.seconds(lockWait) != nil else { throw ValidationError("--lock-wait: use a duration such as 30s, 5m or 1h") }
    }
}

extension Crank {
    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start deployments of the live release (health-gated).",
            discussion: "A deployment already running is left alone. --timeout applies only to a started process that fails its health check.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var environment: EnvironmentOptions
        @OptionGroup var selection: SelectionOptions
        func run() async throws { try await LifecycleCommand.run("start", global, environment, selection) }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop deployments (SIGTERM, then SIGKILL after --timeout).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var environment: EnvironmentOptions
        @OptionGroup var selection: SelectionOptions
        func run() async throws { try await LifecycleCommand.run("stop", global, environment, selection) }
    }

    struct Restart: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restart deployments of the live release (health-gated).",
            discussion: "Each process gets --timeout between SIGTERM and SIGKILL to stop before its replacement starts.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var environment: EnvironmentOptions
        @OptionGroup var selection: SelectionOptions
        func run() async throws { try await LifecycleCommand.run("restart", global, environment, selection) }
    }

    struct Clean: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop and remove an environment's deployments (history is kept).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var environment: EnvironmentOptions
        @Flag(help: "Do it without asking.") var yes = false
        @Option(help: ArgumentHelp("Wait this long for the environment's lock.", valueName: "duration")) var lockWait = "0s"

        func run() async throws {
            let terminal = Terminal()
            guard yes else {
                terminal.error("crank clean stops every deployment of \(environment.env)", hint: "run again with --yes")
                throw ExitCode(1)
            }
            let session = try ReleaseSession(global: global, environment: environment, terminal: terminal, recorded: true)
            let results: [DeploymentResult] = try await session.locked(command: "crank clean --env \(environment.env)",
                                                                       wait: Duration.seconds(lockWait) ?? 0, restore: false) {
                do {
                    let results = try await session.engine.clean()
                    await session.audit(command: "clean", arguments: Array(CommandLine.arguments.dropFirst()), outcome: "cleaned", release: nil)
                    return results
                } catch let failure as ReleaseEngine.Failure {
                    throw session.fail(failure)
                }
            }
            LifecycleCommand.render(results, json: global.json, terminal: terminal)
            let failed = results.filter { $0.outcome == "failed" }
            guard failed.isEmpty else {
                terminal.error("\(failed.count) of \(results.count) deployments could not be removed: \(failed.map(\.name).joined(separator: ", "))",
                               hint: "the live release stays recorded; run `crank clean --env \(environment.env) --yes` again")
                throw ExitCode(1)
            }
            let verb = session.target == .prefect ? "deleted from the Prefect server" : "stopped"
            terminal.note("\(environment.env): \(results.count) deployment\(results.count == 1 ? "" : "s") \(verb); nothing is live")
        }
    }
}

enum LifecycleCommand {
    static func run(_ action: String, _ global: GlobalOptions, _ environment: EnvironmentOptions, _ selection: SelectionOptions) async throws {
        let terminal = Terminal()
        let session = try ReleaseSession(global: global, environment: environment, terminal: terminal,
                                         grace: Duration.seconds(selection.timeout) ?? 10, recorded: true)
        // Like deploy, every command that changes what runs holds the environment's lock.
        let (live, results): (ReleaseRecord?, [DeploymentResult]) = try await session.locked(
            command: "crank \(action) --env \(environment.env)", wait: Duration.seconds(selection.lockWait) ?? 0, restore: action != "stop") {
            let live: ReleaseRecord?
            do { live = try await session.store.live(environment: environment.env) } catch {
                terminal.error("cannot read the live release: \(error)", hint: ReleaseSession.prefectHint(environment.env))
                throw ExitCode(1)
            }
            let names = selection.all ? (live?.deployments.map(\.name) ?? []) : selection.names
            do throws(ReleaseEngine.Failure) {
                return (live, try await session.engine.lifecycle(action, names: names))
            } catch {
                throw session.fail(error)
            }
        }
        await session.audit(command: action, arguments: Array(CommandLine.arguments.dropFirst()),
                      outcome: results.allSatisfy { !$0.outcome.contains("fail") && $0.outcome != "timed out" } ? "ok" : "failed", release: live?.id)
        render(results, json: global.json, terminal: terminal)
        if results.contains(where: { $0.outcome.contains("fail") || $0.outcome == "timed out" }) { throw ExitCode(1) }
    }

    static func render(_ results: [DeploymentResult], json: Bool, terminal: Terminal) {
        if json { try? terminal.printJSON(results); return }
        terminal.print(TextTable.render([["DEPLOYMENT", "ACTION", "OUTCOME", "DETAIL"]] + results.map { [$0.name, $0.action, $0.outcome, $0.detail ?? ""] }))
    }
}
