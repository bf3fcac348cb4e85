import ArgumentParser
import DeployCore
import Foundation

extension Crank {
    struct Checklist: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Worker-migration checklists: start one per worker, see how far it is.",
            subcommands: [New.self, Status.self])

        struct New: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Copy the worker-migration checklist to deployment/migrations/WORKER-YYYY-MM-DD.yml (never overwrites).")

            @OptionGroup var global: GlobalOptions

            @Argument(help: "The worker being migrated (lowercase letters, digits, -, _, .).")
            var worker: String

            func run() async throws {
                let terminal = Terminal()
                guard NameRules.isValid(worker) else {
                    terminal.error("worker name '\(worker)' is not allowed", hint: "use lowercase letters, digits, '-', '_' and '.', no '/' or '..'")
                    throw ExitCode(1)
                }
                let root = global.resolvedRoot()
                let candidates = [root + "/" + MigrationChecklist.templateFile,
                                  ShippedFiles.locate(MigrationChecklist.templateFile)].compactMap { $0 }
                guard let templatePath = candidates.first(where: FileManager.default.fileExists(atPath:)),
                      let template = try? String(contentsOfFile: templatePath, encoding: .utf8) else {
                    terminal.error("no checklist template found (\(MigrationChecklist.templateFile))", hint: "restore it from crank's repository")
                    throw ExitCode(1)
                }
                let relative = MigrationChecklist.path(worker: worker, date: Date())
                let text = MigrationChecklist.render(template: template, worker: worker, date: Date())
                do {
                    try AtomicFile.write(Data(text.utf8), to: root + "/" + relative, overwrite: false)
                } catch .exists {
                    terminal.error("\(relative) already exists; not overwritten", hint: "edit it, or remove it first to start over")
                    throw ExitCode(1)
                } catch {
                    terminal.error(error.message, hint: error.hint)
                    throw ExitCode(1)
                }
                if global.json { try terminal.printJSON(["file": relative]) } else { terminal.print("created \(relative)") }
            }
        }

        struct Status: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Show done/total per section of a checklist.")

            @OptionGroup var global: GlobalOptions

            @Argument(help: "The checklist file.", completion: .file(extensions: ["yml", "yaml"]))
            var file: String

            func run() async throws {
                let terminal = Terminal()
                let path = PathResolver.absolute(file, from: global.currentDirectory)
                let result = YAMLFileLoader.load(path: path, displayPath: file).flatMap { node in
                    node.map { MigrationChecklist.status(of: $0, file: file) }
                        ?? .failure(ConfigIssue(.missingKey, at: nil, file: file, path: "", message: "the checklist is empty"))
                }
                switch result {
                case .failure(let issue):
                    terminal.report([issue])
                    throw ExitCode(1)
                case .success(let status):
                    if global.json {
                        try terminal.printJSON(status)
                    } else {
                        let rows = [["SECTION", "DONE"]] + status.sections.map { [$0.section, "\($0.done)/\($0.total)"] }
                            + [["total", "\(status.done)/\(status.total)"]]
                        terminal.print(TextTable.render(rows))
                    }
                }
            }
        }
    }
}
