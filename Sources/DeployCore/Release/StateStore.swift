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
    /// The highest release number this store has seen, readable record or not (file names,
    /// the audit log): a new release never reuses one.
    func highestReleaseNumber(environment: String) async -> Int
}

extension StateStore {
    public func history(environment: String) async throws -> (releases: [ReleaseRecord], live: ReleaseRecord?) {
        (try await releases(environment: environment), try await live(environment: environment))
    }

    public func highestReleaseNumber(environment: String) async -> Int { 0 }
}

/// The embedded default: `<directory>/<env>/releases/<id>.json`, `<env>/live`,
/// `<env>/audit.jsonl`. Every write is atomic (temp + fsync + rename); the audit log is
/// appended with O_APPEND and fsync. The records are the truth, `live` a cache of which one
/// is live: a missing or garbled pointer is recovered from them (`ReleaseRecord.resolveLive`).
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
        scan(environment: environment).records
    }

    public func live(environment: String) -> ReleaseRecord? {
        ReleaseRecord.resolveLive(releases(environment: environment), pointer: pointer(environment: environment).id)
    }

    public func history(environment: String) -> (releases: [ReleaseRecord], live: ReleaseRecord?) {
        let releases = releases(environment: environment)
        return (releases, ReleaseRecord.resolveLive(releases, pointer: pointer(environment: environment).id))
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

    /// Appends one line; a torn last line (a crash mid-append) is ended first, so it never
    /// swallows this entry.
    public func appendAudit(environment: String, _ entry: AuditEntry) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        var line = try encoder.encode(entry)
        line.append(0x0A)
        let path = auditPath(environment)
        do {
            try FileManager.default.createDirectory(atPath: base(environment), withIntermediateDirectories: true)
        } catch {
            throw AtomicFile.errnoOf(error).map { AtomicFile.Failure.writing(base(environment), errno: $0) } ?? error
        }
        let descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw AtomicFile.Failure.writing(path, errno: errno) }
        defer { close(descriptor) }
        var last: UInt8 = 0x0A
        let size = lseek(descriptor, 0, SEEK_END)
        if size > 0, pread(descriptor, &last, 1, size - 1) == 1, last != 0x0A { line.insert(0x0A, at: 0) }
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == line.count else { throw AtomicFile.Failure.writing(path, errno: written < 0 ? errno : ENOSPC) }
        fsync(descriptor)
    }

    public func audit(environment: String) -> [AuditEntry] {
        readAudit(environment: environment).entries
    }

    public func highestReleaseNumber(environment: String) -> Int {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: base(environment) + "/releases")) ?? []
        let named = files.filter { $0.hasPrefix("r") && $0.hasSuffix(".json") }.compactMap { Int($0.dropFirst().dropLast(5)) }
        let audited = audit(environment: environment).compactMap { $0.release.flatMap { Int($0.dropFirst()) } }
        return (named + audited).max() ?? 0
    }
}
