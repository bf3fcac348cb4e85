import Foundation

/// The only place plans touch the world: files are written atomically (a crash never
/// leaves half an artifact), commands run through the `CommandRunner` seam.
public struct PlanExecutor: Sendable {
    public enum Failure: Error, Equatable {
        case cannotWrite(path: String, reason: String)
        case commandFailed(command: String, status: Int32, output: String)
    }

    public let root: String
    public let runner: any CommandRunner
    public let redactor: Redactor

    public init(root: String, runner: any CommandRunner, redactor: Redactor) {
        self.root = root
        self.runner = runner
        self.redactor = redactor
    }

    /// Writes every file step; with `runCommands`, runs command steps too (in order).
    public func execute(_ plan: DeployPlan, runCommands: Bool) throws(Failure) {
        for step in plan.steps {
            switch step {
            case .writeFile(let path, let contents):
                do {
                    try AtomicFile.write(Data(contents.utf8), to: root + "/" + path)
                } catch {
                    if case .cannotWrite(let failed, let reason) = error { throw .cannotWrite(path: failed, reason: reason) }
                    throw .cannotWrite(path: error.path, reason: error.description)
                }
            case .run(let command, _):
                guard runCommands else { continue }
                let result = runner.run(command, timeout: 3600)
                guard result.status == 0, !result.timedOut else {
                    let output = (result.stderr + result.stdout).split(separator: "\n").suffix(20).joined(separator: "\n")
                    throw .commandFailed(command: redactor.redact(command.description), status: result.status, output: redactor.redact(output))
                }
            }
        }
    }
}
