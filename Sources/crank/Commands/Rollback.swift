import ArgumentParser
import DeployCore
import Foundation

extension Crank {
    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-apply a recorded release (default: the one live before the current one), health-gated.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var environment: EnvironmentOptions
        @Option(name: .customLong("to"), help: ArgumentHelp("The release to restore (e.g. r3).", valueName: "release")) var release: String?
        @Option(help: ArgumentHelp("Wait this long for the lock.", valueName: "duration")) var lockWait = "0s"
        @OptionGroup var output: FormatOptions

        func validate() throws {
            try output.check(json: global.json)
        }

        func run() async throws {
            var terminal = Terminal()
            let title = "crank rollback --env \(environment.env)"
            if output.github { terminal.annotationTitle = title }
            let session = try ReleaseSession(global: global, environment: environment, terminal: terminal, recorded: true)
            let arguments = Array(CommandLine.arguments.dropFirst())
            let outcome: ReleaseOutcome = try await session.locked(command: "crank rollback --env \(environment.env)", wait: Duration.seconds(lockWait) ?? 0) {
                do {
                    let outcome = try await session.engine.rollback(to: release)
                    await session.audit(command: "rollback", arguments: arguments, outcome: outcome.status, release: outcome.release, hooks: outcome.hooks)
                    return outcome
                } catch let failure as ReleaseEngine.Failure {
                    await session.audit(command: "rollback", arguments: arguments, outcome: "refused", release: release)
                    throw session.fail(failure)
                }
            }
            ReleaseRendering.render(outcome, json: global.json, target: session.target, containerLogs: session.containerLogs(release: outcome.release), on: terminal)
            if output.github {
                let github = GitHubOutput(terminal: terminal, redactor: GitHubOutput.redactor(for: session.effective, environment: environment.env))
                github.annotate(ReleaseSummary.rollbackAnnotations(outcome, title: title))
                github.summarize(ReleaseSummary.summary(outcome, target: session.target, title: title))
            }
            if outcome.status == "failed" || outcome.failure != nil { throw ExitCode(1) }
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an environment's releases, newest first.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var environment: EnvironmentOptions
        @Option(help: ArgumentHelp("Show at most this many.", valueName: "n")) var limit = 20

        func run() async throws {
            let terminal = Terminal()
            let session = try ReleaseSession(global: global, environment: environment, terminal: terminal, recorded: true)
            let releases = Array(try await session.releases().reversed().prefix(max(0, limit)))
            if global.json {
                try terminal.printJSON(releases.map(HistoryEntry.init))
                return
            }
            let formatter = ISO8601DateFormatter()
            let rows = [["RELEASE", "STATUS", "CREATED", "BY", "VERSION", "REASON"]] + releases.map { release in
                let why = release.failure.map { "\($0.deployment) \($0.check): \($0.observed) (wanted \($0.threshold))" } ?? release.reason ?? ""
                return [release.id, release.status.rawValue, formatter.string(from: release.createdAt), "\(release.user)@\(release.host)", release.tag, why]
            } + session.unreadableHistoryRows()
            terminal.print(rows.count == 1 ? "" : TextTable.render(rows))
            if releases.isEmpty { terminal.note("no releases in \(environment.env) yet") }
        }
    }
}

/// A release as `crank history --json` lists it (without the full manifest).
struct HistoryEntry: Encodable {
    var id: String
    var status: String
    var createdAt: Date
    var user: String
    var host: String
    var gitSHA: String?
    var tag: String
    var reason: String?
    var failure: HealthFailure?
    var deployments: [String]
    var hooks: [HookRun]

    init(_ release: ReleaseRecord) {
        id = release.id
        status = release.status.rawValue
        createdAt = release.createdAt
        user = release.user
        host = release.host
        gitSHA = release.gitSHA
        tag = release.tag
        reason = release.reason
        failure = release.failure
        deployments = release.deployments.map(\.name)
        hooks = release.hooks ?? []
    }

    enum CodingKeys: String, CodingKey { case id, status, createdAt = "created_at", user, host, gitSHA = "git_sha", tag, reason, failure, deployments, hooks }
}
