import ArgumentParser
import DeployCore
import Foundation

extension Crank {
    struct Build: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render an environment's deployments into .crank/build/<env>/ (prefect.yaml, process specs, Containerfiles, manifest.json).",
            discussion: "Neither --python nor --containers means both. Image builds are listed, and run by deploy.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var environment: EnvironmentOptions

        @Flag(help: "Python (process) deployments.") var python = false
        @Flag(help: "Container deployments.") var containers = false
        @Flag(help: "Print the plan; write nothing.") var dryRun = false

        func run() async throws {
            let terminal = Terminal()
            try environment.requireValid(global: global, terminal: terminal, outcome: "built")
            let effective = try environment.loadEffective(global: global, terminal: terminal)
            let pipeline = BuildPipeline(effective: effective, runner: ProcessCommandRunner(), processEnvironment: ProcessInfo.processInfo.environment)
            let (plan, manifest, inputs): (DeployPlan, BuildManifest, BuildInputs)
            do {
                (plan, manifest, inputs) = try pipeline.build(selection: .init(python: python, containers: containers))
            } catch {
                terminal.error(error.message, hint: error.hint)
                throw ExitCode(1)
            }
            if !dryRun {
                do {
                    try PlanExecutor(root: effective.root, runner: ProcessCommandRunner(), redactor: inputs.redactor).execute(plan, runCommands: false)
                } catch {
                    terminal.error("\(error)", hint: "check that .crank/ is writable")
                    throw ExitCode(1)
                }
            }
            if global.json {
                try terminal.printJSON(BuildOutput(environment: environment.env, dryRun: dryRun, tag: manifest.revision.tag,
                                                   files: plan.files, commands: plan.commandLines, deployments: manifest.entries.map(\.deployment.name)))
            } else {
                terminal.print(PlanRendering.steps(plan, dryRun: dryRun))
                terminal.note("\(manifest.entries.count) deployment\(manifest.entries.count == 1 ? "" : "s") for \(environment.env) at \(manifest.revision.tag)")
            }
        }
    }
}

struct BuildOutput: Encodable {
    var environment: String
    var dryRun: Bool
    var tag: String
    var files: [String]
    var commands: [String]
    var deployments: [String]

    enum CodingKeys: String, CodingKey { case environment, dryRun = "dry_run", tag, files, commands, deployments }
}
