import Foundation

/// The per-environment deploy lock: a file created with O_EXCL holding who took it. A
/// stale lock (its pid is dead on this host, or it is past its TTL) is taken over.
public struct DeployLock: Sendable {
    public struct Holder: Equatable, Sendable, Codable {
        public var pid: Int32
        public var host: String
        public var user: String
        public var command: String
        public var since: Date
        public var ttlSeconds: Int

        enum CodingKeys: String, CodingKey { case pid, host, user, command, since, ttlSeconds = "ttl_seconds" }

        public var description: String {
            "\(user)@\(host) pid \(pid) (`\(command)`) since \(ISO8601DateFormatter().string(from: since))"
        }
    }

    public enum Failure: Error, Equatable {
        case held(Holder)
        case cannotWrite(String)
    }

    public let path: String
    public static let defaultTTL = 3600

    public init(stateDirectory: String, environment: String) {
        path = "\(stateDirectory)/\(environment)/lock"
    }

    public func holder() -> Holder? {
        FileManager.default.contents(atPath: path).flatMap { try? FileStateStore.decoder.decode(Holder.self, from: $0) }
    }

    public func isStale(_ holder: Holder) -> Bool {
        if Date().timeIntervalSince(holder.since) > Double(holder.ttlSeconds) { return true }
        return holder.host == Identity.host && kill(holder.pid, 0) != 0 && errno == ESRCH
    }

    /// Takes the lock, waiting up to `wait` seconds for a live holder. Returns the stale
    /// holder it took over, if any (the caller audits that).
    public func acquire(command: String, wait: TimeInterval) async throws(Failure) -> Holder? {
        let deadline = Date().addingTimeInterval(wait)
        let me = Holder(pid: getpid(), host: Identity.host, user: Identity.user, command: command, since: Date(), ttlSeconds: Self.defaultTTL)
        let data: Data
        do { data = try FileStateStore.encoder.encode(me) } catch { throw .cannotWrite("\(error)") }
        var tookOver: Holder?
        while true {
            do {
                try AtomicFile.write(data, to: path, overwrite: false)
                return tookOver
            } catch {
                // .exists: held — take it over if stale, else wait or give up.
                if case .cannotWrite(_, let reason) = error { throw .cannotWrite(reason) }
            }
            guard let current = holder() else { continue }
            if isStale(current) {
                try? FileManager.default.removeItem(atPath: path)
                tookOver = current
                continue
            }
            guard Date() < deadline else { throw .held(current) }
            try? await Task.sleep(nanoseconds: 200_000_000)
        }
    }

    /// Releases the lock if this process holds it (or `force`).
    @discardableResult
    public func release(force: Bool = false) -> Bool {
        guard let current = holder() else { return false }
        guard force || (current.pid == getpid() && current.host == Identity.host) else { return false }
        return (try? FileManager.default.removeItem(atPath: path)) != nil
    }
}
