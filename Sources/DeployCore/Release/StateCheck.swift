import Foundation

/// One problem with an environment's state files, for `crank doctor`: what is wrong (naming
/// the file), and what `--repair` does about it or what to do by hand.
public struct StateProblem: Equatable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable {
        case unreadableRecord = "unreadable-record", livePointer = "live-pointer", severalLive = "several-live"
        case tornAudit = "torn-audit", staleLock = "stale-lock", unreadableLock = "unreadable-lock"
        case pendingRelease = "pending-release", leftover, secretKey = "secret-key"
    }

    public var kind: Kind
    public var path: String
    public var message: String
    /// What `crank doctor --repair` does, or the manual fix when it cannot.
    public var fix: String
    public var repairable: Bool
}

/// Reads every state file of a file-backed environment and lists what is wrong; fixes what
/// needs no lock (the audit log's unreadable lines, a garbled secret key). The rest is
/// repaired by `StateMaintenance.recover` under the lock.
public enum StateCheck {
    public static func inspect(files: FileStateStore, lock: DeployLock, root: String, environment: String, snapshots: String?) -> [StateProblem] {
        var problems = recordProblems(files: files, environment: environment)
        let records = files.releases(environment: environment)
        let torn = files.readAudit(environment: environment).unreadableLines
        if !torn.isEmpty {
            problems.append(StateProblem(kind: .tornAudit, path: files.auditPath(environment),
                                         message: "\(files.auditPath(environment)) has \(torn.count) unreadable line(s) (\(torn.map(String.init).joined(separator: ", "))), torn by a crash mid-append",
                                         fix: "move them to \(files.auditPath(environment)).unreadable", repairable: true))
        }
        let holder = lock.holder()
        if let holder, holder.unreadable != nil, !holder.isStale {
            problems.append(StateProblem(kind: .unreadableLock, path: lock.path, message: "the lock \(lock.path) is held by \(holder.description)",
                                         fix: "if no crank is running: crank lock release --env \(environment) --force --reason '…'", repairable: false))
        } else if let holder, holder.isStale {
            problems.append(StateProblem(kind: .staleLock, path: lock.path, message: "the lock \(lock.path) is stale: held by \(holder.description)",
                                         fix: "take it over and release it", repairable: true))
        }
        if holder == nil || holder?.isStale == true {
            for record in records where record.status == .pending {
                problems.append(StateProblem(kind: .pendingRelease, path: "\(files.releasesPath(environment))/\(record.id).json",
                                             message: "release \(record.id) is pending but no deploy is running", fix: "mark it interrupted (audited)", repairable: true))
            }
        }
        for path in Leftovers.find(snapshots: snapshots, stateFolders: [files.base(environment), files.releasesPath(environment)]) {
            problems.append(StateProblem(kind: .leftover, path: path, message: "\(path) was left by a crank that stopped mid-write", fix: "remove it", repairable: true))
        }
        if let key = SecretFingerprint.problem(root: root) {
            problems.append(StateProblem(kind: .secretKey, path: root + "/" + SecretFingerprint.keyFile, message: key.message,
                                         fix: "create a new key (every deployment with secrets then looks changed once)", repairable: true))
        }
        return problems
    }

    /// The records' own problems: unreadable ones, a pointer they contradict, several live.
    public static func recordProblems(files: FileStateStore, environment: String) -> [StateProblem] {
        var problems: [StateProblem] = []
        let (records, unreadable) = files.scan(environment: environment)
        for file in unreadable {
            problems.append(StateProblem(kind: .unreadableRecord, path: file.path, message: "release record \(file.path) is unreadable: \(file.reason)",
                                         fix: "restore it from a backup, or move it away if the release does not matter (its number stays used)", repairable: false))
        }
        let live = ReleaseRecord.resolveLive(records, pointer: files.pointer(environment: environment).id)
        let pointer = files.pointer(environment: environment)
        if pointer.id != live?.id, !(pointer == .missing && live == nil) {
            problems.append(StateProblem(kind: .livePointer, path: files.livePath(environment),
                                         message: "the live pointer \(files.livePath(environment)) \(ReleaseLedger.describe(pointer)); the records say \(live?.id ?? "none") is live",
                                         fix: "rewrite it from the records", repairable: true))
        }
        let lives = records.filter { $0.status == .live }.map(\.id)
        if lives.count > 1 {
            problems.append(StateProblem(kind: .severalLive, path: files.releasesPath(environment), message: "releases \(lives.joined(separator: ", ")) are all marked live",
                                         fix: "keep \(live?.id ?? "the newest") live, mark the others superseded", repairable: true))
        }
        return problems
    }

    /// Repairs that need no lock; returns a line per change.
    public static func repairFiles(_ problems: [StateProblem], files: FileStateStore, root: String, environment: String) -> [String] {
        var done: [String] = []
        if problems.contains(where: { $0.kind == .tornAudit }), let moved = try? moveUnreadableAuditLines(files: files, environment: environment) {
            done.append("moved \(moved) unreadable line(s) of \(files.auditPath(environment)) to \(files.auditPath(environment)).unreadable")
        }
        if problems.contains(where: { $0.kind == .secretKey }), (try? SecretFingerprint.regenerate(root: root)) != nil {
            done.append("created a new secret fingerprint key \(root)/\(SecretFingerprint.keyFile) (every deployment with secrets looks changed at the next deploy)")
        }
        return done
    }

    /// Rewrites the audit log (atomically) without its unreadable lines, appending them to
    /// `audit.jsonl.unreadable`; returns how many moved.
    static func moveUnreadableAuditLines(files: FileStateStore, environment: String) throws -> Int {
        let path = files.auditPath(environment)
        guard let data = FileManager.default.contents(atPath: path) else { return 0 }
        var kept = Data()
        var moved = Data()
        for line in data.split(separator: 0x0A) {
            if (try? FileStateStore.decoder.decode(AuditEntry.self, from: Data(line))) != nil { kept += line + [0x0A] } else { moved += line + [0x0A] }
        }
        guard !moved.isEmpty else { return 0 }
        let side = path + ".unreadable"
        let previous = FileManager.default.contents(atPath: side) ?? Data()
        try AtomicFile.write(previous + moved, to: side)
        try AtomicFile.write(kept, to: path)
        return moved.split(separator: 0x0A).count
    }
}
