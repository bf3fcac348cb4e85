import Foundation

/// Releases a killed crank left behind. Only called with the environment's lock held: a
/// `pending` release then belongs to a deploy that is no longer running.
public enum ReleaseRecovery {
    /// Marks every pending release interrupted; returns them (as they were).
    public static func markInterrupted(store: any StateStore, environment: String) async throws(ReleaseEngine.Failure) -> [ReleaseRecord] {
        let ledger = ReleaseLedger(store: store, environment: environment)
        let pending = try await ledger.history().releases.filter { $0.status == .pending }
        for release in pending {
            await ledger.fail(release, HealthFailure(deployment: "-", check: "interrupted", observed: "crank stopped before the deploy finished",
                                                     threshold: "the deploy completes"))
        }
        return pending
    }
}
