import ArgumentParser
import DeployCore
import Foundation

extension Crank {
    struct Reload: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give running services and workers their new config without a restart (`reload:`), and record it as a release.",
            discussion: """
                Every instance is told at once (a signal, or the config as JSON over HTTP) and has its reload's \
                timeout to apply it; a deployment without `reload:` is restarted through the health gate. Only \
                config (env) may differ from the live release — anything else is `crank deploy`. If an instance \
                does not apply, every instance gets the previous config back, the release is recorded as failed \
                and crank exits 1. Exit 3 when another command holds the environment's lock.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup var environment: EnvironmentOptions
        @Argument(help: ArgumentHelp("Deployments to reload (default: every service and worker of the live release).", valueName: "name"),
                  completion: .custom(ShellCompletion.deployments)) var names: [String] = []
        @Flag(help: "List the instances and how each would be told; change nothing.") var dryRun = false
        @Flag(help: "Leave instances that applied the new config as they are when another did not.") var noRollback = false
        @Option(help: ArgumentHelp("Why (recorded with the release and in the audit log).", valueName: "text")) var reason: String?
        @Option(help: ArgumentHelp("Wait this long for the lock (e.g. 30s, 5m).", valueName: "duration")) var lockWait = "0s"

        func validate() throws {
            guard Duration.seconds(lockWait) != nil else { throw ValidationError("--lock-wait: use a duration such as 30s, 5m or 1h") }
        }

        func run() async throws {
            let terminal = Terminal()
            try environment.requireValid(global: global, terminal: terminal, outcome: "reloaded")
            let session = try ReleaseSession(global: global, environment: environment, terminal: terminal)
            guard let reloader = session.engine as? any ConfigReloading else {
                let hosts = session.effective.config.environment(environment.env)?.hasHosts == true
                let what = "`target: \(session.target.rawValue)` environments" + (hosts ? " with hosts:" : "")
                throw ReloadRendering.fail(.unsupportedTarget(what), environment: environment.env, on: terminal)
            }
            let pipeline = BuildPipeline(effective: session.effective, runner: ProcessCommandRunner(), processEnvironment: ProcessInfo.processInfo.environment)
            let manifest: BuildManifest
            do {
                // The desired specs of the deployments the target runs (a container target's are
                // `kind: container`); the build commands are not run.
                let containers = session.target == .container
                manifest = try pipeline.build(selection: .init(python: !containers, containers: containers)).1
            } catch {
                terminal.error(error.message, hint: error.hint)
                throw ExitCode(1)
            }
            if dryRun {
                do throws(ReloadFailure) {
                    ReloadRendering.render(try await reloader.reloadPreview(manifest, names: names), json: global.json, on: terminal)
                } catch {
                    throw ReloadRendering.fail(error, environment: environment.env, on: terminal)
                }
                return
            }
            let arguments = Array(CommandLine.arguments.dropFirst())
            let options = ReloadOptions(reason: reason, revertOnFailure: !noRollback)
            let report: ReloadReport = try await session.locked(command: "crank reload --env \(environment.env)", wait: Duration.seconds(lockWait) ?? 0) {
                do throws(ReloadFailure) {
                    let report = try await reloader.reload(manifest, names: names, options: options)
                    let summary = report.instances.map { "\($0.deployment) \($0.outcome.brief)" }.joined(separator: "; ")
                    await session.audit(command: "reload", arguments: arguments, outcome: "\(report.status) (\(summary))", release: report.release)
                    return report
                } catch {
                    await session.audit(command: "reload", arguments: arguments, outcome: "refused", release: nil)
                    throw ReloadRendering.fail(error, environment: environment.env, on: terminal, session: session)
                }
            }
            ReloadRendering.render(report, json: global.json, on: terminal)
            if report.status != "applied" { throw ExitCode(1) }
        }
    }
}
