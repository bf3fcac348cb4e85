import Foundation

extension CommandRunner {
    /// `run` on a thread of its own, awaited: the wait for the program never holds one of the
    /// few threads of Swift's cooperative pool (one per core), so that remote calls to many
    /// hosts at once really run at once, and other tasks (health probes) keep running meanwhile.
    public func result(of command: ShellCommand, timeout: TimeInterval) async -> CommandResult {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: self.run(command, timeout: timeout)) }.start()
        }
    }
}

/// Runs blocking work (a batch of remote calls) on a thread of its own, awaited, so it never
/// holds one of the cooperative pool's few threads.
func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}
