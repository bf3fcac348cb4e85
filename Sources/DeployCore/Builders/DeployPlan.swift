/// What a command will do, as data: builders produce it, `--dry-run` prints it, and only
/// the executor performs it.
public struct DeployPlan: Equatable, Sendable {
    public enum Step: Equatable, Sendable {
        /// Write `contents` to `path` (relative to the project root), atomically.
        case writeFile(path: String, contents: String)
        /// Run a command (image builds and pushes, process starts).
        case run(ShellCommand, purpose: String)
    }

    public var steps: [Step] = []

    public init(steps: [Step] = []) {
        self.steps = steps
    }

    /// The shell command lines of the plan, for tests and `--dry-run`.
    public var commandLines: [String] {
        steps.compactMap { if case .run(let command, _) = $0 { return command.description } else { return nil } }
    }

    public var files: [String] {
        steps.compactMap { if case .writeFile(let path, _) = $0 { return path } else { return nil } }
    }
}
