import ArgumentParser
import DeployCore
import Foundation

/// Flags every command accepts.
struct GlobalOptions: ParsableArguments {
    @Option(name: [.customShort("C"), .long], help: ArgumentHelp(
        "Project root (default: nearest ancestor containing crank.yaml, else the current directory).",
        valueName: "dir"), completion: .directory)
    var projectRoot: String?

    @Flag(help: "Print exactly one JSON document on stdout.")
    var json = false

    var currentDirectory: String { FileManager.default.currentDirectoryPath }

    /// The absolute project root.
    func resolvedRoot() -> String {
        ProjectRoot.locate(explicit: projectRoot, start: currentDirectory)
    }
}
