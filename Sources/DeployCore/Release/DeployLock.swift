import Foundation

/// The per-environment deploy lock: a file created with O_EXCL holding who took it. A
/// stale lock (its pid is dead on this host, or it is past its TTL) is taken over.
public struct DeployLock: EnvironmentLock {
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
        /// The server keeping the lock (Prefect) failed to answer.
        case server(PrefectClient.Failure)
    }

    public let path: String
    public static let defaultTTL = 3600

    public init(stateDirectory: String, environment: String) {
        path = "\(stateDirectory)/\(environment)/lock"
    }

    public func holder() -> Holder? {
        FileManager.default.contents(atPath: path).flatMap { try? FileStateStore.decoder.decode(Holder.self, from: $0) }
    }

    public func acquire(command: String, wait: TimeInterval) async throws(Failure) -> Holder? {
        let data: Data
        do { data = try FileStateStore.encoder.encode(Holder.current(command: command)) } catch { throw .cannotWrite("\(error)") }
        return try await LockAcquisition.run(wait: wait, tryCreate: { () throws(Failure) -> Bool in
            do {
                try AtomicFile.write(data, to: path, overwrite: false)
                return true
            } catch {
                // .exists: held — the loop takes it over if stale, else waits or gives up.
                if case AtomicFile.Failure.cannotWrite(_, let reason) = error { throw .cannotWrite(reason) }
                return false
            }
        }, holder: { holder() }, remove: { try? FileManager.default.removeItem(atPath: path) })
    }

    /// Releases the lock if this process holds it (or `force`).
    @discardableResult
    public func release(force: Bool = false) -> Bool {
        guard let current = holder() else { return false }
        guard force || current.isMine else { return false }
        return (try? FileManager.default.removeItem(atPath: path)) != nil
    }
}
