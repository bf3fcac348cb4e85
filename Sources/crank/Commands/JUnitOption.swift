import ArgumentParser
import DeployCore

/// `--junit FILE`, shared by health and smoke: a JUnit XML report for CI test reporters.
struct JUnitOption: ParsableArguments {
    @Option(help: ArgumentHelp("Write a JUnit XML report here (a testcase per deployment, a failure per problem).", valueName: "file"),
            completion: .file())
    var junit: String?

    /// Writes `report` (atomically, redacted) when --junit was given; a file that cannot be written is exit 1.
    func write(_ report: @autoclosure () -> JUnitReport, global: GlobalOptions, redactor: Redactor, terminal: Terminal) throws {
        guard let junit else { return }
        let path = PathResolver.absolute(junit, from: global.currentDirectory)
        do { try report().write(to: path, redactor: redactor) } catch {
            terminal.error("cannot write the JUnit report to \(path): \(error)", hint: "check that its folder exists and is writable")
            throw ExitCode(1)
        }
    }
}
