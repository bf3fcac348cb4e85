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

    /// Where relative paths in arguments (PATHs, --junit FILE, …) start: the `-C` directory when
    /// one is given — crank runs "as if started in DIR", as `git -C` and `make -C` do — else the
    /// directory crank was started in.
    var currentDirectory: String {
        projectRoot == nil ? FileManager.default.currentDirectoryPath : resolvedRoot()
    }

    /// The absolute project root.
    func resolvedRoot() -> String {
        ProjectRoot.locate(explicit: projectRoot, start: FileManager.default.currentDirectoryPath)
    }
}
