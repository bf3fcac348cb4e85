import ArgumentParser
import DeployCore
import Foundation

extension Crank {
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a starter crank.yaml (one deployment per flow), or import the deployments of prefect.yaml files.",
            discussion: "The project root is -C DIR, else the current directory. Never overwrites crank.yaml. Also creates .crank/.gitignore. Exits 1 when nothing was written.")

        @OptionGroup var global: GlobalOptions

        @Option(name: .customLong("from"), help: ArgumentHelp(
            "A prefect.yaml whose deployments to import (repeatable; entrypoints in a subdirectory's file become relative to the project root).",
            valueName: "prefect.yaml"), completion: .file(extensions: ["yaml", "yml"]))
        var sources: [String] = []

        @Option(help: ArgumentHelp("The project name (default: the prefect.yaml's name, else the directory's).", valueName: "name"))
        var project: String?

        func validate() throws {
            if let project, !NameRules.isValid(project) {
                throw ValidationError("--project '\(project)' is not a project name: lowercase letters, digits, '-', '_' and '.'")
            }
        }

        func run() async throws {
            let terminal = Terminal()
            let root = PathResolver.absolute(global.projectRoot ?? ".", from: global.currentDirectory)
            let file = root + "/" + CrankYAMLBuilder.fileName
            guard !FileManager.default.fileExists(atPath: file) else {
                terminal.error("\(file) already exists; crank init does not overwrite it",
                               hint: "edit it (`crank validate` checks it), or move it away to start over")
                throw ExitCode(1)
            }
            let sourcePaths = sources.map { PathResolver.absolute($0, from: global.currentDirectory) }
            let result = ProjectInit.run(root: root, sources: sourcePaths, project: project)
            guard let text = result.text else {
                report(result, written: nil, terminal: terminal)
                if !global.json {
                    terminal.error("crank.yaml not written: the prefect.yaml has what crank cannot represent (listed above)",
                                   hint: "change or remove those keys in a copy of the prefect.yaml and import that")
                }
                throw ExitCode(1)
            }
            do {
                try AtomicFile.write(Data(text.utf8), to: file, overwrite: false)
                try CrankDirectory.ensure(projectRoot: root)
            } catch let failure as AtomicFile.Failure {
                terminal.error(failure.message, hint: failure.hint)
                throw ExitCode(1)
            } catch {
                terminal.error("cannot create \(root)/.crank: \(error.localizedDescription)", hint: "check the directory's permissions")
                throw ExitCode(1)
            }
            report(result, written: CrankYAMLBuilder.fileName, terminal: terminal)
        }

        func report(_ result: ProjectInit.Result, written: String?, terminal: Terminal) {
            if global.json {
                struct Document: Encodable { let file: JSONValue; let deployments: Int; let flows: Int; let issues: [ConfigIssue] }
                try? terminal.printJSON(Document(file: written.map(JSONValue.string) ?? .null, deployments: result.deployments,
                                                 flows: result.flows, issues: result.issues))
                return
            }
            terminal.report(result.issues)
            guard let written else { return }
            let environment = sources.isEmpty ? "dev" : CrankYAMLBuilder.importedEnvironment
            terminal.print("created \(written) (\(result.deployments) deployment\(result.deployments == 1 ? "" : "s")) and .crank/.gitignore")
            terminal.note("next: crank validate --env \(environment), then crank build --env \(environment)")
        }
    }
}
