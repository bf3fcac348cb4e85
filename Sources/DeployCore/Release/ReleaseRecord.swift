import Foundation

/// One recorded release of an environment. The manifest (rendered specs) never changes
/// after it is written; only `status` (and `failure`) move on.
public struct ReleaseRecord: Equatable, Sendable, Codable {
    public enum Status: String, Sendable, Codable {
        case pending, live, superseded, failed
        case rolledBack = "rolled-back"
        /// Was pending when its deploy stopped (crank killed): marked by the next command that takes the lock.
        case interrupted
    }

    public var format = 1
    public var id: String
    public var environment: String
    public var status: Status
    public var createdAt: Date
    public var user: String
    public var host: String
    @Nullable public var gitSHA: String?
    public var tag: String
    /// Why it was deployed (`--reason`), or what happened to it.
    @Nullable public var reason: String?
    public var configHash: String
    /// Secret names only.
    public var secrets: [String]
    public var manifest: JSONValue
    @Nullable public var failure: HealthFailure?
    /// The hooks its deploy ran (absent when none did).
    public var hooks: [HookRun]?

    enum CodingKeys: String, CodingKey {
        case format, id, environment, status, createdAt = "created_at", user, host, gitSHA = "git_sha", tag, reason
        case configHash = "config_hash", secrets, manifest, failure, hooks
    }

    public var number: Int { Int(id.dropFirst()) ?? 0 }

    public var deployments: [RenderedDeployment] { BuildManifest.deployments(in: manifest) ?? [] }
}

/// One line of the append-only audit log.
public struct AuditEntry: Equatable, Sendable, Codable {
    public var time: Date
    public var user: String
    public var host: String
    public var command: String
    public var arguments: [String]
    public var outcome: String
    public var durationMilliseconds: Int
    @Nullable public var release: String?
    /// The hooks the command ran, with their exit status and duration (absent when none did).
    public var hooks: [HookRun]?

    enum CodingKeys: String, CodingKey {
        case time, user, host, command, arguments, outcome, durationMilliseconds = "duration_ms", release, hooks
    }

    public init(command: String, arguments: [String], outcome: String, started: Date, release: String?) {
        time = Date()
        user = Identity.user
        host = Identity.host
        self.command = command
        self.arguments = arguments
        self.outcome = outcome
        durationMilliseconds = Int(Date().timeIntervalSince(started) * 1000)
        self.release = release
    }
}

/// Who and where, for release records, locks and the audit log.
public enum Identity {
    public static var user: String { user(environment: ProcessInfo.processInfo.environment) }

    /// `$USER`, else the name of the effective user as `id -un` gives it (`$USER` is unset under
    /// cron, systemd units and `env -i`), else `$LOGNAME`, else the numeric uid.
    public static func user(environment: [String: String]) -> String {
        if let name = environment["USER"], !name.isEmpty { return name }
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name, name.pointee != 0 { return String(cString: name) }
        if let name = environment["LOGNAME"], !name.isEmpty { return name }
        return String(geteuid())
    }

    public static var host: String { ProcessInfo.processInfo.hostName }
}

extension ReleaseRecord {
    struct NotAnObject: Error {}

    /// Decodes a record; the manifest (most of the bytes) is taken as parsed, not through
    /// `Codable`, which is slow on untyped JSON.
    static func decode(_ value: JSONValue) throws -> ReleaseRecord {
        guard case .object(var object) = value else { throw NotAnObject() }
        let manifest = object["manifest"] ?? .null
        object["manifest"] = .null
        var record = try FileStateStore.decoder.decode(ReleaseRecord.self, from: Data(JSONWriter.compactText(.object(object)).utf8))
        record.manifest = manifest
        return record
    }

    static func decode(_ data: Data) throws -> ReleaseRecord {
        try decode(JSONReader.parse(data))
    }
}
