import ArgumentParser
import DeployCore
import Foundation

extension Crank {
    struct Discover: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find every Prefect flow statically, without importing any Python.",
            discussion: """
                Scans .py files under each PATH (default: crank.yaml's flows.paths, else the project root), skipping hidden \
                directories, .venv, venv, site-packages, __pycache__, node_modules, build and dist. \
                Exits 1 when a file cannot be read or parsed; the flows found are still printed.
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: ArgumentHelp("Files or directories to scan (relative to the current directory, or to DIR with -C DIR).", valueName: "path"),
                  completion: .file())
        var paths: [String] = []

        @Option(name: .customLong("exclude"), help: ArgumentHelp(
            "Skip files and directories matching GLOB (a name, or a root-relative path when it contains '/'). Repeatable.",
            valueName: "glob"))
        var excludes: [String] = []

        @Flag(name: .customLong("follow-symlinks"), help: ArgumentHelp(
            "Follow symlinks that leave the project root (each real directory once, same filesystem, at most 10,000 directories)."))
        var followSymlinks = false

        func run() async throws {
            let root = global.resolvedRoot()
            // With no PATH, crank.yaml's `flows.paths` / `flows.exclude` say where to look.
            let terminal = Terminal()
            let (loaded, issues) = ConfigLoader(root: root).load(environment: nil)
            let settings = loaded?.config.flows
            if !global.json, paths.isEmpty, loaded == nil, !issues.isEmpty,
               FileManager.default.fileExists(atPath: root + "/" + ProjectRoot.configFileName) {
                terminal.warning("crank.yaml cannot be read, so its flows.paths/flows.exclude are not applied; scanning the project root",
                                 hint: "`crank validate` lists the errors")
            }
            let report = FlowDiscovery.discover(
                root: root, paths: paths.isEmpty ? (settings?.paths ?? []).map { root + "/" + $0 } : paths,
                excludes: excludes + (settings?.exclude ?? []), currentDirectory: global.currentDirectory,
                followSymlinks: followSymlinks || settings?.followSymlinks == true)
            if global.json {
                terminal.printDocument(report)
            } else {
                terminal.print(DiscoveryTable.render(report.flows))
                terminal.report(report.diagnostics)
                terminal.note(DiscoveryTable.summary(report))
            }
            if report.hasErrors { throw ExitCode(1) }
        }
    }
}
