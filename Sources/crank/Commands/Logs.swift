import ArgumentParser
import DeployCore
import Foundation

extension Crank {
    struct Logs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the deployments' output, each line prefixed with the deployment (and host).",
            discussion: """
                Local target: the log files in .crank/run/<env>/; containers: `podman logs`; hosts: over ssh; \
                swarm: `docker service logs`; Prefect: the flow runs' logs from the API. --follow ends on Ctrl-C \
                and once every followed deployment has stopped. --json: one JSON array; with --follow one JSON \
                object per line (NDJSON).
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var environment: EnvironmentOptions
        @Argument(help: ArgumentHelp("Deployments of the live release (default: all).", valueName: "name"),
                  completion: .custom(ShellCompletion.deployments)) var names: [String] = []
        @Flag(name: [.customShort("f"), .long], help: "Keep printing new lines until Ctrl-C or until the deployments stop.") var follow = false
        @Option(help: ArgumentHelp("Only lines since then: a duration back from now (10m, 1h) or an RFC 3339 time.", valueName: "time")) var since: String?
        @Option(help: ArgumentHelp("The last N lines of each deployment, or `all`.", valueName: "N")) var tail = "100"
        @Option(help: ArgumentHelp("The output of this release where it is kept (local log markers, kept containers, Prefect runs).", valueName: "rN")) var release: String?
        @Option(help: ArgumentHelp("Only this host (environments with hosts).", valueName: "name")) var host: String?

        func validate() throws {
            guard tail == "all" || (Int(tail).map { $0 >= 0 } ?? false) else { throw ValidationError("--tail: a number of lines, or `all`") }
            if let since, RFC3339.since(since) == nil { throw ValidationError("--since: a duration such as 10m or 1h, or an RFC 3339 time such as 2026-01-31T09:00:00Z") }
        }

        func run() async throws {
            let terminal = Terminal()
            let session = try ReleaseSession(global: global, environment: environment, terminal: terminal, recorded: true)
            var request = LogRequest()
            request.names = names
            request.follow = follow
            request.tail = Int(tail)
            request.since = since.flatMap { RFC3339.since($0) }
            request.release = release
            request.host = host
            let sources: [LogSource]
            do {
                let live = try await session.store.live(environment: environment.env)
                sources = try await LogPlanner.sources(session.engine, deployments: try LiveDeployment.all(names, live: live, environment: environment.env), request: request)
            } catch let failure as OperationFailure {
                OperationRendering.report(failure, environment: environment.env, terminal: terminal)
                throw ExitCode(1)
            } catch {
                terminal.error("cannot read the live release: \(error)", hint: ReleaseSession.prefectHint(environment.env))
                throw ExitCode(1)
            }
            let stop = LogStop()
            signal(SIGINT, SIG_IGN)
            let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
            interrupt.setEventHandler { stop.request() }
            interrupt.resume()
            let printer = LogPrinter(json: global.json, follow: follow, width: sources.map { $0.label.count }.max() ?? 0)
            let remoteLog = ((session.engine as? HostReleaseEngine)?.runner ?? (session.engine as? HostContainerReleaseEngine)?.fleet.runner) as? RemoteCommandLog
            let failures = await LogReader.read(sources, request: request, prefect: (session.engine as? PrefectReleaseEngine)?.client, remoteLog: remoteLog,
                                                stop: stop) { printer.print($0) }
            interrupt.cancel()
            printer.finish()
            // Ctrl-C is how a follow ends: a clean exit.
            if stop.isRequested { return }
            for failure in failures { OperationRendering.report(failure, environment: environment.env, terminal: terminal) }
            if !failures.isEmpty { throw ExitCode(1) }
        }
    }
}
