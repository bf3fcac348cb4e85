import Foundation

/// Release history, the live pointer and the audit log of every environment. A protocol:
/// the Prefect target keeps history in the server.
public protocol StateStore: Sendable {
    func releases(environment: String) async throws -> [ReleaseRecord]
    func live(environment: String) async throws -> ReleaseRecord?
    func save(_ release: ReleaseRecord) async throws
    func setLive(environment: String, id: String?) async throws
    func appendAudit(environment: String, _ entry: AuditEntry) async throws
    func audit(environment: String) async throws -> [AuditEntry]
    /// The releases and the live one in one read (a server-backed store fetches once).
    func history(environment: String) async throws -> (releases: [ReleaseRecord], live: ReleaseRecord?)
}

extension StateStore {
    public func history(environment: String) async throws -> (releases: [ReleaseRecord], live: ReleaseRecord?) {
        (try await releases(environment: environment), try await live(environment: environment))
    }
}

/// The embedded default: `<directory>/<env>/releases/<id>.json`, `<env>/live`,
/// `<env>/audit.jsonl`. Every write is atomic (temp + fsync + rename); the audit log is
/// appended with O_APPEND and fsync.
public struct FileStateStore: StateStore {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    func base(_ environment: String) -> String { "\(directory)/\(environment)" }

    public func releases(environment: String) -> [ReleaseRecord] {
        let folder = base(environment) + "/releases"
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return files.filter { $0.hasPrefix("r") && $0.hasSuffix(".json") }.compactMap { file in
            FileManager.default.contents(atPath: folder + "/" + file).flatMap { try? ReleaseRecord.decode($0) }
        }.sorted { $0.number < $1.number }
    }

    public func live(environment: String) -> ReleaseRecord? {
        guard let id = (try? String(contentsOfFile: base(environment) + "/live", encoding: .utf8))?.trimmingWhitespace(),
              NameRules.isValid(id) else { return nil }
        return releases(environment: environment).first { $0.id == id }
    }

    public func save(_ release: ReleaseRecord) throws {
        let data = try Self.encoder.encode(release)
        try AtomicFile.write(data, to: "\(base(release.environment))/releases/\(release.id).json")
    }

    public func setLive(environment: String, id: String?) throws {
        let path = base(environment) + "/live"
        guard let id else {
            try? FileManager.default.removeItem(atPath: path)
            return
        }
        try AtomicFile.write(Data((id + "\n").utf8), to: path)
    }

    public func appendAudit(environment: String, _ entry: AuditEntry) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        var line = try encoder.encode(entry)
        line.append(0x0A)
        try FileManager.default.createDirectory(atPath: base(environment), withIntermediateDirectories: true)
        let descriptor = open(base(environment) + "/audit.jsonl", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw AtomicFile.Failure.cannotWrite("audit.jsonl", reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        _ = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        fsync(descriptor)
    }

    public func audit(environment: String) -> [AuditEntry] {
        guard let text = try? String(contentsOfFile: base(environment) + "/audit.jsonl", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? Self.decoder.decode(AuditEntry.self, from: Data($0.utf8)) }
    }
}
