import Foundation

/// Release history, live pointer and audit log of a Prefect environment, kept in the Prefect
/// server so every machine and CI run sees the same: each release is an artifact
/// (`crank-<project>-<env>-r<N>`, type `crank-release`) whose versions are its status changes,
/// the audit log is the versions of `crank-<project>-<env>-audit`, and the live release id
/// is the variable `crank-<project>-<env>-live`. Every write is mirrored into the local
/// `FileStateStore`, which `crank history` falls back on when the server is unreachable.
public struct PrefectStateStore: StateStore {
    public let client: PrefectClient
    public let project: String
    public let cache: FileStateStore

    public init(client: PrefectClient, project: String, cache: FileStateStore) {
        self.client = client
        self.project = project
        self.cache = cache
    }

    static let releaseType = "crank-release"
    static let auditType = "crank-audit"

    public func prefix(_ environment: String) -> String { PrefectNames.slug("crank-\(project)-\(environment)") }

    public func releases(environment: String) async throws -> [ReleaseRecord] {
        let prefix = prefix(environment)
        let artifacts = try await client.latestArtifacts(keyPrefix: prefix + "-r", type: Self.releaseType)
        let records = artifacts.compactMap { artifact -> ReleaseRecord? in
            guard case .object(let object) = artifact, let data = object["data"], let record = try? ReleaseRecord.decode(data),
                  object["key"] == .string("\(prefix)-\(record.id)"), record.environment == environment else { return nil }
            return record
        }.sorted { $0.number < $1.number }
        let cached = Dictionary(cache.releases(environment: environment).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for record in records where cached[record.id] != record { try? cache.save(record) }
        return records
    }

    public func live(environment: String) async throws -> ReleaseRecord? {
        try await history(environment: environment).live
    }

    public func history(environment: String) async throws -> (releases: [ReleaseRecord], live: ReleaseRecord?) {
        async let pointer = client.variable(named: prefix(environment) + "-live")
        let releases: [ReleaseRecord]
        do {
            releases = try await self.releases(environment: environment)
        } catch {
            // Let the other request finish instead of cancelling it: cancelling an in-flight
            // URLSession task while it fails deadlocks FoundationNetworking (crank hung for good).
            _ = try? await pointer
            throw error
        }
        guard case .string(let id)? = try await pointer else {
            try? cache.setLive(environment: environment, id: nil)
            return (releases, nil)
        }
        let record = releases.first { $0.id == id }
        try? cache.setLive(environment: environment, id: record?.id)
        return (releases, record)
    }

    public func save(_ release: ReleaseRecord) async throws {
        try await client.createArtifact(key: "\(prefix(release.environment))-\(release.id)", type: Self.releaseType,
                                        description: "crank release \(release.id) of \(project)/\(release.environment): \(release.status.rawValue)",
                                        data: try Self.encode(release))
        try cache.save(release)
    }

    public func setLive(environment: String, id: String?) async throws {
        let name = prefix(environment) + "-live"
        if let id { try await client.setVariable(named: name, value: .string(id)) } else { try await client.deleteVariable(named: name) }
        try cache.setLive(environment: environment, id: id)
    }

    public func appendAudit(environment: String, _ entry: AuditEntry) async throws {
        try await client.createArtifact(key: prefix(environment) + "-audit", type: Self.auditType,
                                        description: "crank \(entry.command): \(entry.outcome)", data: try Self.encode(entry))
        try cache.appendAudit(environment: environment, entry)
    }

    public func audit(environment: String) async throws -> [AuditEntry] {
        try await client.artifactVersions(key: prefix(environment) + "-audit").compactMap { artifact in
            guard case .object(let object) = artifact, let data = object["data"] else { return nil }
            return try? Self.decode(AuditEntry.self, from: data)
        }
    }

    static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        try FileStateStore.decoder.decode(JSONValue.self, from: FileStateStore.encoder.encode(value))
    }

    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try FileStateStore.decoder.decode(type, from: Data(JSONWriter.compactText(value).utf8))
    }
}

/// The deploy lock of a Prefect environment: the variable `crank-<project>-<env>-lock`,
/// created only when absent (the server answers 409 otherwise), holding who took it.
public struct PrefectLock: EnvironmentLock {
    public let client: PrefectClient
    public let name: String

    public init(client: PrefectClient, project: String, environment: String) {
        self.client = client
        name = PrefectNames.slug("crank-\(project)-\(environment)") + "-lock"
    }

    public func holder() async throws(DeployLock.Failure) -> DeployLock.Holder? {
        let value: JSONValue?
        do { value = try await client.variable(named: name) } catch { throw .server(error) }
        guard let value else { return nil }
        return (try? PrefectStateStore.decode(DeployLock.Holder.self, from: value)) ?? .unknown("variable \(name)", reason: "not a lock record", since: Date())
    }

    public func acquire(command: String, wait: TimeInterval) async throws(DeployLock.Failure) -> DeployLock.Holder? {
        let value: JSONValue
        do { value = try PrefectStateStore.encode(DeployLock.Holder.current(command: command)) } catch { throw .cannotWrite("\(error)", hint: "") }
        return try await LockAcquisition.run(wait: wait, location: "variable \(name)", tryCreate: { () throws(DeployLock.Failure) -> Bool in
            do throws(PrefectClient.Failure) {
                try await client.createVariable(named: name, value: value)
                return true
            } catch .status(409, _) {
                return false
            } catch {
                throw .server(error)
            }
        }, holder: { () throws(DeployLock.Failure) -> DeployLock.Holder? in
            try await holder()
        }, remove: { () throws(DeployLock.Failure) in
            do throws(PrefectClient.Failure) { try await client.deleteVariable(named: name) } catch { throw .server(error) }
        })
    }

    @discardableResult
    public func release(force: Bool) async -> Bool {
        guard let current = try? await holder() else { return false }
        guard force || current.isMine else { return false }
        return (try? await client.deleteVariable(named: name)) ?? false
    }
}
