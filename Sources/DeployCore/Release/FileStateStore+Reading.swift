import Foundation

/// A state file that exists but cannot be decoded: listed, never silently dropped.
public struct UnreadableFile: Equatable, Sendable, Codable {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
}

/// What `<env>/live` holds.
public enum LivePointer: Equatable, Sendable {
    case missing
    case garbled(String)
    case id(String)

    public var id: String? {
        if case .id(let id) = self { return id }
        return nil
    }
}

extension FileStateStore {
    public func livePath(_ environment: String) -> String { base(environment) + "/live" }
    public func auditPath(_ environment: String) -> String { base(environment) + "/audit.jsonl" }
    public func releasesPath(_ environment: String) -> String { base(environment) + "/releases" }

    /// Every `r<N>.json`: the records that decode (oldest first) and the files that do not.
    public func scan(environment: String) -> (records: [ReleaseRecord], unreadable: [UnreadableFile]) {
        let folder = releasesPath(environment)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var records: [ReleaseRecord] = []
        var unreadable: [UnreadableFile] = []
        for file in files.sorted() where file.hasPrefix("r") && file.hasSuffix(".json") {
            let path = folder + "/" + file
            guard let data = FileManager.default.contents(atPath: path) else {
                unreadable.append(UnreadableFile(path: path, reason: "cannot be read"))
                continue
            }
            do {
                let record = try ReleaseRecord.decode(data)
                guard "\(record.id).json" == file, record.environment == environment else {
                    unreadable.append(UnreadableFile(path: path, reason: "holds release \(record.id) of \(record.environment)"))
                    continue
                }
                records.append(record)
            } catch {
                unreadable.append(UnreadableFile(path: path, reason: data.isEmpty ? "empty" : "not a release record (garbled JSON)"))
            }
        }
        return (records.sorted { $0.number < $1.number }, unreadable)
    }

    public func pointer(environment: String) -> LivePointer {
        guard let data = FileManager.default.contents(atPath: livePath(environment)) else { return .missing }
        let text = String(decoding: data, as: UTF8.self).trimmingWhitespace()
        return NameRules.isValid(text) && text.first == "r" && Int(text.dropFirst()) != nil ? .id(text) : .garbled(String(text.prefix(40)))
    }

    /// The audit entries and the 1-based numbers of lines that do not parse (a torn write).
    public func readAudit(environment: String) -> (entries: [AuditEntry], unreadableLines: [Int]) {
        guard let data = FileManager.default.contents(atPath: auditPath(environment)) else { return ([], []) }
        var entries: [AuditEntry] = []
        var unreadable: [Int] = []
        for (index, line) in data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            if let entry = try? Self.decoder.decode(AuditEntry.self, from: Data(line)) { entries.append(entry) } else { unreadable.append(index + 1) }
        }
        return (entries, unreadable)
    }
}

extension ReleaseRecord {
    /// The live release by the records: the pointer's when it is live, else the newest live one.
    public static func resolveLive(_ releases: [ReleaseRecord], pointer: String?) -> ReleaseRecord? {
        let live = releases.filter { $0.status == .live }
        return live.first { $0.id == pointer } ?? live.last
    }
}
