import Foundation

/// Runs an environment's services and workers as supervised processes on this machine:
/// records under `.crank/run/<env>/<name>.json`, logs in `<name>.log`.
public struct LocalRuntime: Sendable {
    public let root: String
    public let environment: String
    public let secrets: SecretStore
    public let baseEnvironment: [String: String]
    public var grace: TimeInterval = 10

    /// Variables a deployed process inherits from crank's own environment; nothing else leaks in.
    static let inherited = ["PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "USER", "LOGNAME", "VIRTUAL_ENV", "PYTHONPATH"]

    public init(root: String, environment: String, secrets: SecretStore, processEnvironment: [String: String]) {
        self.root = root
        self.environment = environment
        self.secrets = secrets
        baseEnvironment = processEnvironment.filter { Self.inherited.contains($0.key) }
    }

    public var runDirectory: String { "\(root)/.crank/run/\(environment)" }

    public func record(_ name: String) -> ProcessRecord? {
        FileManager.default.contents(atPath: "\(runDirectory)/\(name).json").flatMap { try? FileStateStore.decoder.decode(ProcessRecord.self, from: $0) }
    }

    public func records() -> [ProcessRecord] {
        recordNames().compactMap { record($0) }.sorted { $0.deployment < $1.deployment }
    }

    /// Record files that do not decode (garbled, truncated): their deployments are looked up
    /// among the running processes instead (`orphans()`).
    public func unreadableRecords() -> [String] {
        recordNames().filter { record($0) == nil }.map { "\(runDirectory)/\($0).json" }
    }

    func recordNames() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: runDirectory)) ?? []
        return files.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.map { String($0.dropLast(5)) }.filter(NameRules.isValid)
    }

    func save(_ record: ProcessRecord) throws {
        try AtomicFile.write(try FileStateStore.encoder.encode(record), to: "\(runDirectory)/\(record.deployment).json")
    }

    func forget(_ name: String) {
        try? FileManager.default.removeItem(atPath: "\(runDirectory)/\(name).json")
    }

    /// The process environment of a deployment: inherited basics, its env (secret
    /// placeholders filled back in), its secrets, and CRANK_* identifiers. Never argv.
    public func environment(for deployment: RenderedDeployment, release: String) -> [String: String] {
        var env = baseEnvironment
        env["PYTHONUNBUFFERED"] = "1"
        if case .object(let values)? = deployment.spec["env"] {
            for (key, value) in values { if case .string(let text) = value { env[key] = unredact(text) } }
        }
        if case .array(let names)? = deployment.spec["secrets"] {
            for case .string(let name) in names { env[name] = secrets.value(name) }
        }
        env["CRANK_ENVIRONMENT"] = environment
        env["CRANK_DEPLOYMENT"] = deployment.name
        env["CRANK_RELEASE"] = release
        if case .int(let port)? = deployment.spec["port"] { env["CRANK_PORT"] = String(port) }
        if case .object(let reload)? = deployment.spec["reload"], reload["signal"] != nil {
            // Where `crank reload` writes the new config, and where the process acknowledges it.
            env["CRANK_CONFIG_FILE"] = LocalReloadDelivery.configFile(runDirectory: runDirectory, deployment: deployment.name)
            env["CRANK_CONFIG_APPLIED_FILE"] = LocalReloadDelivery.appliedFile(runDirectory: runDirectory, deployment: deployment.name)
        }
        return env
    }

    func unredact(_ text: String) -> String { secrets.unredact(text) }

    public func start(_ deployment: RenderedDeployment, release: String, directory: String) throws -> ProcessRecord {
        guard case .array(let items)? = deployment.spec["argv"] else { throw ProcessSupervisor.Failure.cannotStart("no command") }
        let argv = items.compactMap { if case .string(let text) = $0 { return unredact(text) } else { return nil } }
        let log = "\(runDirectory)/\(deployment.name).log"
        LogMarker.append(to: log, deployment: deployment.name, release: release)
        let (pid, ticks) = try ProcessSupervisor.start(argv: argv, directory: directory, environment: environment(for: deployment, release: release), logPath: log)
        let port = deployment.spec["port"].flatMap { if case .int(let value) = $0 { return value } else { return nil } }
        let record = ProcessRecord(deployment: deployment.name, release: release, pid: pid, startTicks: ticks, port: port, startedAt: Date(), log: log)
        try save(record)
        return record
    }

    /// Stops a deployment's process (recorded, or an orphan crank started for it) and forgets it.
    @discardableResult
    public func stop(_ name: String) -> Bool {
        var stopped = true
        if let record = record(name) { stopped = ProcessSupervisor.stop(record, grace: grace) }
        for orphan in orphans() where orphan.deployment == name {
            stopped = ProcessSupervisor.stop(orphan, grace: grace) && stopped
        }
        if stopped { forget(name) }
        return stopped
    }
}
