import CrankTestSupport
import Foundation
import Testing
@testable import DeployCore

@Suite("the file state store under faults (real files)")
struct FileStateStoreTests {
    func record(_ id: String, _ status: ReleaseRecord.Status) -> ReleaseRecord {
        ReleaseRecord(id: id, environment: "dev", status: status, createdAt: Date(), user: "u", host: "h", gitSHA: nil, tag: "t", reason: nil,
                      configHash: "x", secrets: [], manifest: .null, failure: nil)
    }

    @Test("promote leaves exactly one record live, whatever else claimed to be")
    func promoteDemotesEveryLive() async throws {
        let tree = try TemporaryTree()
        let store = FileStateStore(directory: tree.root)
        for release in [record("r1", .live), record("r2", .live), record("r3", .pending)] { try store.save(release) }
        let ledger = ReleaseLedger(store: store, environment: "dev")
        try await ledger.promote(record("r3", .pending), previous: store.live(environment: "dev"), previousBecomes: .superseded)
        #expect(store.releases(environment: "dev").map(\.status) == [.superseded, .superseded, .live])
        #expect(store.pointer(environment: "dev") == .id("r3"))
    }

    @Test("a missing or garbled pointer resolves to the newest live record")
    func liveFromRecords() throws {
        let tree = try TemporaryTree()
        let store = FileStateStore(directory: tree.root)
        for release in [record("r1", .superseded), record("r2", .live), record("r3", .failed)] { try store.save(release) }
        #expect(store.live(environment: "dev")?.id == "r2")
        try tree.write("dev/live", "\u{0}garbage")
        #expect(store.pointer(environment: "dev") == .garbled("\u{0}garbage"))
        #expect(store.live(environment: "dev")?.id == "r2")
    }

    @Test("an append after a torn line starts on its own line; reading counts the torn one")
    func tornAudit() throws {
        let tree = try TemporaryTree()
        let store = FileStateStore(directory: tree.root)
        try tree.write("dev/audit.jsonl", "{\"time\": \"20")
        try store.appendAudit(environment: "dev", AuditEntry(command: "deploy", arguments: [], outcome: "live", started: Date(), release: "r4"))
        let (entries, unreadable) = store.readAudit(environment: "dev")
        #expect(entries.map(\.outcome) == ["live"])
        #expect(unreadable == [1])
        #expect(store.highestReleaseNumber(environment: "dev") == 4)
    }

    @Test("write errors map to a typed failure naming the path, with a hint")
    func writeFailures() {
        #expect(AtomicFile.Failure.writing("/s/dev/live", errno: ENOSPC) == .noSpace("/s/dev/live"))
        #expect(AtomicFile.Failure.writing("/s/dev/live", errno: EDQUOT) == .noSpace("/s/dev/live"))
        #expect(AtomicFile.Failure.writing("/s/dev/live", errno: EROFS) == .readOnly("/s/dev/live"))
        #expect(AtomicFile.Failure.writing("/s/dev/live", errno: EACCES).hint.contains("/s/dev"))
    }

    @Test("keep_releases pruning keeps the newest restorable directories and the live one, never a pending one")
    func prune() throws {
        let tree = try TemporaryTree()
        for id in ["r1", "r2", "r3", "r4", "r5"] { try tree.mkdir(id) }
        let releases = [record("r1", .superseded), record("r2", .live), record("r3", .failed), record("r4", .rolledBack), record("r5", .pending)]
        let removed = SourceSnapshot.prune(folder: tree.root, releases: releases, live: "r2", keep: 1)
        #expect(removed == ["r1", "r3"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: tree.root).sorted() == ["r2", "r4", "r5"])
    }
}
