import Foundation

/// An environment's deploy lock: a file for local and container environments
/// (`DeployLock`), a Prefect variable for Prefect environments (`PrefectLock`).
public protocol EnvironmentLock: Sendable {
    /// Who holds it now, if anyone (an unreadable lock is held by `Holder.unknown`).
    func holder() async throws(DeployLock.Failure) -> DeployLock.Holder?
    /// Takes the lock, waiting up to `wait` seconds for a live holder; returns the stale
    /// holder it took over, if any (the caller audits that).
    func acquire(command: String, wait: TimeInterval) async throws(DeployLock.Failure) -> DeployLock.Holder?
    /// Releases the lock if this process holds it (or `force`).
    @discardableResult
    func release(force: Bool) async -> Bool
}

extension DeployLock.Holder {
    /// Past its TTL, or its process is gone from this host: dead, or its pid now belongs to a
    /// process started after the lock was taken (pid reuse; Linux, where start times are known).
    /// An unreadable lock is stale only past the TTL, counted from the file's last change.
    public var isStale: Bool {
        if Date().timeIntervalSince(since) > Double(ttlSeconds) { return true }
        guard unreadable == nil, host == Identity.host else { return false }
        if kill(pid, 0) != 0 && errno == ESRCH { return true }
        if let recorded = startTicks, let now = ProcessSupervisor.startTicks(pid) { return recorded != now }
        return false
    }

    static func current(command: String) -> DeployLock.Holder {
        DeployLock.Holder(pid: getpid(), host: Identity.host, user: Identity.user, command: command, since: Date(),
                          ttlSeconds: DeployLock.defaultTTL, startTicks: ProcessSupervisor.startTicks(getpid()))
    }

    /// A lock that exists but cannot be read (garbled, empty, not a file): held by someone
    /// unknown since `since`.
    public static func unknown(_ location: String, reason: String, since: Date) -> DeployLock.Holder {
        var holder = DeployLock.Holder(pid: 0, host: "", user: "", command: "", since: since, ttlSeconds: DeployLock.defaultTTL)
        holder.unreadable = "\(location) is unreadable (\(reason))"
        return holder
    }

    var isMine: Bool { unreadable == nil && pid == getpid() && host == Identity.host }
}

/// The take-or-wait loop both locks share: `tryCreate` returns true when it took the lock.
/// Every path honours the deadline: a lock that exists but vanishes before it can be read
/// is retried a few times, then reported as held by an unknown holder.
enum LockAcquisition {
    static func run(wait: TimeInterval, location: String, tryCreate: () async throws(DeployLock.Failure) -> Bool,
                    holder: () async throws(DeployLock.Failure) -> DeployLock.Holder?,
                    remove: () async throws(DeployLock.Failure) -> Void) async throws(DeployLock.Failure) -> DeployLock.Holder? {
        let deadline = Date().addingTimeInterval(wait)
        var tookOver: DeployLock.Holder?
        var vanished = 0
        while true {
            if try await tryCreate() { return tookOver }
            let found = try await holder()
            if found == nil {
                vanished += 1
                if vanished < 5 { continue }
            }
            let current = found ?? .unknown(location, reason: "it exists but cannot be read", since: Date())
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
