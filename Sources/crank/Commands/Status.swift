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
            discussion: "Exit 1 when any fails. --junit writes a JUnit XML report for CI.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var environment: EnvironmentOptions
        @Option(help: ArgumentHelp("Write a JUnit XML report here.", valueName: "file"), completion: .file()) var junit: String?

        func run() async throws {
            let terminal = Terminal()
            let session = try ReleaseSession(global: global, environment: environment, terminal: terminal, recorded: true)
            let status: EnvironmentStatus
            do { status = try await session.engine.status() } catch { throw session.fail(error) }
            let checked = status.deployments
            if let junit {
                let cases = checked.map { deployment -> String in
                    let name = deployment.name.replacingOccurrences(of: "\"", with: "&quot;")
                    let problem = deployment.drift ?? (deployment.health?.hasPrefix("failing") == true ? deployment.health : nil)
                    let failure = problem.map { "<failure message=\"\($0.replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "<", with: "&lt;"))\"/>" } ?? ""
                    return "    <testcase classname=\"crank.\(environment.env)\" name=\"\(name)\">\(failure)</testcase>"
                }
                let failures = checked.filter { $0.drift != nil || $0.health?.hasPrefix("failing") == true }.count
                let xml = """
                    <?xml version="1.0" encoding="UTF-8"?>
                    <testsuite name="crank health \(environment.env)" tests="\(checked.count)" failures="\(failures)">
                    \(cases.joined(separator: "\n"))
                    </testsuite>

                    """
                try AtomicFile.write(Data(xml.utf8), to: PathResolver.absolute(junit, from: global.currentDirectory))
            }
            if global.json { try terminal.printJSON(status) } else {
                terminal.print(TextTable.render([["DEPLOYMENT", "STATE", "HEALTH"]] + checked.map {
                    [$0.name + ($0.host.map { "@\($0)" } ?? ""), $0.state, $0.health ?? ($0.state == "running" ? "no check" : "-")]
                }))
            }
            if checked.contains(where: { $0.drift != nil || $0.health?.hasPrefix("failing") == true }) { throw ExitCode(1) }
        }
    }
}
