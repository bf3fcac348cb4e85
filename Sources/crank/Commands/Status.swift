import ArgumentParser
import DeployCore
import Foundation

extension Crank {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the live release and, per deployment, running/stopped/crashed, pid, port, uptime, health and drift.",
            discussion: "Exit 1 when a deployment of the live release is not running or its health check fails.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var environment: EnvironmentOptions

        func run() async throws {
            let terminal = Terminal()
            let session = try ReleaseSession(global: global, environment: environment, terminal: terminal, recorded: true)
            let status: EnvironmentStatus
            do { status = try await session.engine.status() } catch { throw session.fail(error) }
            if global.json {
                try terminal.printJSON(status)
            } else {
                var rows: [[String]]
                if session.target == .prefect {
                    rows = [["DEPLOYMENT", "SCHEDULES", "WORKER", "DRIFT"]]
                    rows += status.deployments.map { [$0.name, $0.state, $0.health ?? "-", $0.drift ?? "-"] }
                } else {
                    let hosts = status.deployments.contains { $0.host != nil }
                    rows = [["DEPLOYMENT"] + (hosts ? ["HOST"] : []) + ["STATE", "PID", "PORT", "UPTIME", "HEALTH", "DRIFT"]]
                    rows += status.deployments.map { deployment -> [String] in
                        let uptime = deployment.uptimeSeconds.map { "\($0)s" } ?? "-"
                        return [deployment.name] + (hosts ? [deployment.host ?? "-"] : []) + [deployment.state, deployment.pid.map(String.init) ?? "-",
                                deployment.port.map(String.init) ?? "-", uptime, deployment.health ?? "-", deployment.drift ?? "-"]
                    }
                }
                terminal.print(TextTable.render(rows))
                terminal.note("\(status.environment): live release \(status.live ?? "none")")
            }
            let unhealthy = status.deployments.contains { $0.drift != nil || ($0.health?.hasPrefix("failing") ?? false) }
            if unhealthy { throw ExitCode(1) }
        }
    }

    struct Health: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the live release's health checks now.",
            discussion: "Exit 1 when any fails. --junit writes a JUnit XML report for CI; --format github annotates each failing check.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var environment: EnvironmentOptions
        @OptionGroup var report: JUnitOption
        @OptionGroup var output: FormatOptions

        func validate() throws { try output.check(json: global.json) }

        func run() async throws {
            var terminal = Terminal()
            let title = "crank health --env \(environment.env)"
            if output.github { terminal.annotationTitle = title }
            let session = try ReleaseSession(global: global, environment: environment, terminal: terminal, recorded: true)
            let status: EnvironmentStatus
            do { status = try await session.engine.status() } catch { throw session.fail(error) }
            let checked = status.deployments
            let redactor = GitHubOutput.redactor(for: session.effective, environment: environment.env)
            try report.write(JUnitReport(name: "crank health \(environment.env)", cases: checked.map {
                JUnitReport.TestCase(className: "crank.health.\(environment.env)", name: Self.label($0), failure: Self.problem($0))
            }), global: global, redactor: redactor, terminal: terminal)
            if global.json { try terminal.printJSON(status) } else {
                terminal.print(TextTable.render([["DEPLOYMENT", "STATE", "HEALTH"]] + checked.map {
                    [Self.label($0), $0.state, $0.health ?? ($0.state == "running" ? "no check" : "-")]
                }))
            }
            if output.github {
                let github = GitHubOutput(terminal: terminal, redactor: redactor)
                github.annotate(checked.compactMap { deployment in
                    Self.problem(deployment).map { GitHubAnnotation(.error, "\(Self.label(deployment)): \($0)", title: title) }
                })
                var summary = StepSummary(title)
                let failing = checked.filter { Self.problem($0) != nil }.count
                summary.paragraph(failing == 0 ? "\(checked.count) deployment(s) healthy (live release \(status.live ?? "none"))"
                                               : "FAILING — \(failing) of \(checked.count) deployment(s) (live release \(status.live ?? "none"))")
                summary.table(["DEPLOYMENT", "STATE", "HEALTH", "PROBLEM"], checked.map {
                    [Self.label($0), $0.state, $0.health ?? "-", Self.problem($0) ?? ""]
                })
                github.summarize(summary)
            }
            if checked.contains(where: { Self.problem($0) != nil }) { throw ExitCode(1) }
        }

        /// `name`, or `name@host` on an environment with hosts.
        static func label(_ deployment: DeploymentStatus) -> String {
            deployment.name + (deployment.host.map { "@\($0)" } ?? "")
        }

        /// Drift, else a failing check; nil when the deployment is healthy.
        static func problem(_ deployment: DeploymentStatus) -> String? {
            deployment.drift ?? (deployment.health?.hasPrefix("failing") == true ? deployment.health : nil)
        }
    }
}
