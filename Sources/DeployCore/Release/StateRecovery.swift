import Foundation

/// What the recovery run right after taking an environment's lock did: each line is a
/// warning for the user (the CLI prints them; DeployCore never does).
public struct StateRecovery: Equatable, Sendable {
    /// Releases that were pending with no deploy running (holding the lock proves it).
    public var interrupted: [String] = []
    /// Human lines, one per change made.
    public var notes: [String] = []

    public init() {}
}

extension ReleaseLedger {
    /// Marks every pending release `interrupted` and audits it. Only call holding the lock:
    /// then no deploy of this environment is running, so a pending release is a dead one.
    func recoverInterrupted() async throws(ReleaseEngine.Failure) -> [String] {
        let pending = try await history().releases.filter { $0.status == .pending }
        for var record in pending {
            record.status = .interrupted
            record.reason = [record.reason, "interrupted: its deploy stopped before it finished"].compactMap { $0 }.joined(separator: "; ")
            try await run("cannot mark \(record.id) interrupted") {
                try await store.save(record)
                try await store.appendAudit(environment: environment, AuditEntry(
                    command: "recover", arguments: [record.id], outcome: "interrupted", started: Date(), release: record.id))
            }
        }
        return pending.map(\.id)
    }

    /// One record live at most, and the pointer naming it: demotes other live records and
    /// rewrites the pointer of a file store. Returns a line per change.
    func repairLive(files: FileStateStore?) async throws(ReleaseEngine.Failure) -> [String] {
        let (releases, live) = try await history()
        var notes: [String] = []
        for var other in releases where other.status == .live && other.id != live?.id {
            other.status = .superseded
            try await run("cannot mark \(other.id) superseded") { try await store.save(other) }
            notes.append("release \(other.id) was also marked live; it is superseded by \(live?.id ?? "none")")
        }
        if let files, case let before = files.pointer(environment: environment), before.id != live?.id {
            try await run("cannot rewrite the live pointer") { try await store.setLive(environment: environment, id: live?.id) }
            notes.append("the live pointer \(files.livePath(environment)) \(Self.describe(before)); rewritten from the release records: \(live?.id ?? "none")")
        }
        return notes
    }

    static func describe(_ pointer: LivePointer) -> String {
        switch pointer {
        case .missing: return "was missing"
        case .garbled(let text): return "was garbled (\"\(text)\")"
        case .id(let id): return "named \(id), which is not live"
        }
    }
}

/// Repairs run under the environment's lock.
public enum StateMaintenance {
    /// Right after a command takes the lock (or takes over a stale one): pending releases
    /// become `interrupted` (audited), the live pointer and records agree again, and
    /// leftovers of a killed crank (`rN.partial/`, `.*.tmp` older than a minute) are removed.
    /// `snapshots`: the environment's release directories (local target).
    public static func recover(store: any StateStore, files: FileStateStore?, environment: String,
                               snapshots: String?) async throws(ReleaseEngine.Failure) -> StateRecovery {
        let ledger = ReleaseLedger(store: store, environment: environment)
        var recovery = StateRecovery()
        recovery.interrupted = try await ledger.recoverInterrupted()
        recovery.notes += recovery.interrupted.map { "release \($0) was left pending by a deploy that stopped (killed?); marked interrupted" }
        recovery.notes += try await ledger.repairLive(files: files)
        let stateFolders = files.map { [$0.base(environment), $0.releasesPath(environment)] } ?? []
        for path in Leftovers.find(snapshots: snapshots, stateFolders: stateFolders) where (try? FileManager.default.removeItem(atPath: path)) != nil {
            recovery.notes.append("removed \(path), left by a crank that stopped mid-write")
        }
        return recovery
    }
}

/// Files a killed crank leaves: half-copied release directories and atomic-write temporaries.
enum Leftovers {
    /// Temporaries younger than this may belong to a write in progress (a lock being taken).
    static let temporaryAge: TimeInterval = 60

    static func find(snapshots: String?, stateFolders: [String]) -> [String] {
        let partials = snapshots.map(SourceSnapshot.partials(in:)) ?? []
        let temporaries = stateFolders.flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasPrefix(".") && $0.hasSuffix(".tmp") }.map { folder + "/" + $0 }
        }.filter { path in
            let changed = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date ?? Date()
            return Date().timeIntervalSince(changed) > temporaryAge
        }
        return partials + temporaries.sorted()
    }
}

extension StateMaintenance {
    /// The recorded releases named `ids` (for the engines' recovery after interrupted deploys).
    public static func releases(store: any StateStore, environment: String, ids: [String]) async throws(ReleaseEngine.Failure) -> [ReleaseRecord] {
        try await ReleaseLedger(store: store, environment: environment).history().releases.filter { ids.contains($0.id) }
    }
}
