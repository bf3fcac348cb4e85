import Foundation

/// The per-environment deploy lock: a file created with O_EXCL holding who took it. A
/// stale lock (its pid is dead on this host, or it is past its TTL) is taken over. A lock
/// file that cannot be read is held by an unknown holder: waited for, reported, and removed
/// only by `crank lock release --force` (or once past the TTL).
public struct DeployLock: EnvironmentLock {
    public struct Holder: Equatable, Sendable, Codable {
        public var pid: Int32
        public var host: String
        public var user: String
        public var command: String
        public var since: Date
        public var ttlSeconds: Int
        /// The holder's start time in clock ticks since boot (Linux): tells a reused pid apart.
        public var startTicks: UInt64?
        /// Why the lock could not be read, naming it (then the other fields are placeholders).
        public var unreadable: String?

        enum CodingKeys: String, CodingKey { case pid, host, user, command, since, ttlSeconds = "ttl_seconds", startTicks = "start_ticks" }

        public var description: String {
            if let unreadable { return "an unknown holder (the lock \(unreadable))" }
            return "\(user)@\(host) pid \(pid) (`\(command)`) since \(ISO8601DateFormatter().string(from: since))"
        }
    }

    public enum Failure: Error, Equatable {
        case held(Holder)
        case cannotWrite(String, hint: String)
        /// The server keeping the lock (Prefect) failed to answer.
        case server(PrefectClient.Failure)
    }

    public let path: String
    public static let defaultTTL = 3600

    public init(stateDirectory: String, environment: String) {
        path = "\(stateDirectory)/\(environment)/lock"
    }

    /// nil only when there is no lock file at all.
    public func holder() -> Holder? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        let changed = attributes[.modificationDate] as? Date ?? Date()
        guard attributes[.type] as? FileAttributeType == .typeRegular else { return .unknown("file \(path)", reason: "not a regular file", since: changed) }
        guard let data = FileManager.default.contents(atPath: path) else { return .unknown("file \(path)", reason: "cannot be read", since: changed) }
        guard !data.isEmpty else { return .unknown("file \(path)", reason: "empty", since: changed) }
        guard let holder = try? FileStateStore.decoder.decode(Holder.self, from: data) else {
            return .unknown("file \(path)", reason: "not a lock record", since: changed)
        }
        return holder
    }

    public func acquire(command: String, wait: TimeInterval) async throws(Failure) -> Holder? {
        let data: Data
        do { data = try FileStateStore.encoder.encode(Holder.current(command: command)) } catch { throw .cannotWrite("\(error)", hint: "") }
        return try await LockAcquisition.run(wait: wait, location: "file \(path)", tryCreate: { () throws(Failure) -> Bool in
            do throws(AtomicFile.Failure) {
                try AtomicFile.write(data, to: path, overwrite: false)
                return true
            } catch .exists {
                return false  // held: the loop takes it over if stale, else waits or gives up.
            } catch {
                throw .cannotWrite(error.message, hint: error.hint)
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
