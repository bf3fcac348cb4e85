import Foundation

/// An environment's deploy lock: a file for local and container environments
/// (`DeployLock`), a Prefect variable for Prefect environments (`PrefectLock`).
public protocol EnvironmentLock: Sendable {
    /// Who holds it now, if anyone.
    func holder() async throws(DeployLock.Failure) -> DeployLock.Holder?
    /// Takes the lock, waiting up to `wait` seconds for a live holder; returns the stale
    /// holder it took over, if any (the caller audits that).
    func acquire(command: String, wait: TimeInterval) async throws(DeployLock.Failure) -> DeployLock.Holder?
    /// Releases the lock if this process holds it (or `force`).
    @discardableResult
    func release(force: Bool) async -> Bool
}

extension DeployLock.Holder {
    /// Past its TTL, or its process is gone from this host.
    public var isStale: Bool {
        if Date().timeIntervalSince(since) > Double(ttlSeconds) { return true }
        return host == Identity.host && kill(pid, 0) != 0 && errno == ESRCH
    }

    static func current(command: String) -> DeployLock.Holder {
        DeployLock.Holder(pid: getpid(), host: Identity.host, user: Identity.user, command: command, since: Date(), ttlSeconds: DeployLock.defaultTTL)
    }

    var isMine: Bool { pid == getpid() && host == Identity.host }
}

/// The take-or-wait loop both locks share: `tryCreate` returns true when it took the lock.
enum LockAcquisition {
    static func run(wait: TimeInterval, tryCreate: () async throws(DeployLock.Failure) -> Bool,
                    holder: () async throws(DeployLock.Failure) -> DeployLock.Holder?,
                    remove: () async throws(DeployLock.Failure) -> Void) async throws(DeployLock.Failure) -> DeployLock.Holder? {
        let deadline = Date().addingTimeInterval(wait)
        var tookOver: DeployLock.Holder?
        while true {
            if try await tryCreate() { return tookOver }
            guard let current = try await holder() else { continue }
            if current.isStale {
                try await remove()
                tookOver = current
                continue
            }
            guard Date() < deadline else { throw .held(current) }
            try? await Task.sleep(nanoseconds: 200_000_000)
        }
    }
}
