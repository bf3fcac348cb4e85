import ArgumentParser
import DeployCore
import Foundation

/// `crank doctor`'s state half: inspect the environment's state files, and with --repair fix
/// what can be fixed (under the lock), then inspect again.
enum DoctorState {
    struct Result {
        var problems: [StateProblem]
        var repaired: [String]
    }

    static func inspect(_ effective: EffectiveConfig, environment: String) -> [StateProblem] {
        let files = FileStateStore(directory: ReleaseSession.stateDirectory(root: effective.root))
        let problems = StateCheck.inspect(files: files, lock: DeployLock(stateDirectory: files.directory, environment: environment), root: effective.root,
                                          environment: environment, snapshots: SourceSnapshot.folder(root: effective.root, environment: environment))
        guard effective.config.environment(environment)?.target == .prefect else { return problems }
        return problems.filter { $0.kind == .secretKey }  // Prefect keeps the rest in the server
    }

    static func run(global: GlobalOptions, environment: EnvironmentOptions, effective: EffectiveConfig, repair: Bool, terminal: Terminal) async throws -> Result {
        let env = environment.env
        let found = inspect(effective, environment: env)
        guard repair, found.contains(where: \.repairable) else { return Result(problems: found, repaired: []) }
        let files = FileStateStore(directory: ReleaseSession.stateDirectory(root: effective.root))
        var repaired = StateCheck.repairFiles(found, files: files, root: effective.root, environment: env)
        if found.contains(where: { $0.repairable && ![.tornAudit, .secretKey].contains($0.kind) }) {
            let session = try ReleaseSession(global: global, environment: environment, terminal: terminal)
            try await session.locked(command: "crank doctor --env \(env) --repair", wait: 0) {}
            await session.audit(command: "doctor", arguments: ["--repair"], outcome: "repaired", release: nil)
        }
        let remaining = inspect(effective, environment: env)
        repaired += found.filter { problem in !remaining.contains(problem) && ![.tornAudit, .secretKey].contains(problem.kind) }.map(\.message)
        return Result(problems: remaining, repaired: repaired)
    }

    static func render(_ result: Result, environment: String, on terminal: Terminal) {
        for line in result.repaired { terminal.note("repaired: \(line)") }
        for problem in result.problems {
            terminal.error(problem.message, hint: problem.repairable ? "\(problem.fix): crank doctor --env \(environment) --repair" : problem.fix)
        }
        terminal.note(result.problems.isEmpty ? "state of \(environment): no problems" : "state of \(environment): \(result.problems.count) problem(s)")
    }

    /// The dependency report with `state` (problems left) and `repaired` (lines) added.
    struct JSON: Encodable {
        var report: DoctorReport
        var state: Result

        enum CodingKeys: String, CodingKey { case state, repaired }

        func encode(to encoder: any Encoder) throws {
            try report.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(state.problems, forKey: .state)
            try container.encode(state.repaired, forKey: .repaired)
        }
    }
}
