import ArgumentParser
import DeployCore
import Foundation

/// State checks every release command shares: warnings about what the records recover
/// (read-only commands), and the recovery run right after the lock is taken.
extension ReleaseSession {
    var snapshots: String { SourceSnapshot.folder(root: effective.root, environment: environment) }

    /// Warns (stderr) about a live pointer the records contradict and records that cannot be read.
    func warnAboutState() {
        guard target != .prefect else { return }
        for problem in StateCheck.recordProblems(files: cache, environment: environment) {
            terminal.warning(problem.message, hint: "`crank doctor --env \(environment) --repair` (the next deploy or rollback also repairs it)")
        }
    }

    /// Holding the lock: marks dead pending releases interrupted, re-aligns the live pointer,
    /// removes leftovers of a killed crank; warns about each change.
    @discardableResult
    func recoverState() async throws -> StateRecovery {
        let recovery: StateRecovery
        do {
            recovery = try await StateMaintenance.recover(store: store, files: target == .prefect ? nil : cache, environment: environment,
                                                          snapshots: target == .local ? snapshots : nil)
        } catch {
            await lock.release(force: false)
            throw fail(error)
        }
        for note in recovery.notes { terminal.warning(note) }
        return recovery
    }

    /// `crank history` rows for release records that cannot be read.
    func unreadableHistoryRows() -> [[String]] {
        guard target != .prefect else { return [] }
        return cache.scan(environment: environment).unreadable.map { file in
            [((file.path as NSString).lastPathComponent as NSString).deletingPathExtension, "unreadable", "-", "-", "-", "\(file.path): \(file.reason)"]
        }
    }
}
