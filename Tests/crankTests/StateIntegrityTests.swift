import CrankTestSupport
import Foundation
import Testing

/// State files that are unreadable, garbled, torn or missing: crank reports them with the path
/// and the fix, recovers what the records still say, and never hangs or overwrites.
@Suite("state and locks under faults (real files, real processes)", .serialized)
struct StateIntegrityTests {
    static var isRoot: Bool { getuid() == 0 }

    /// A crash mid-append: `text` without its newline at the end of the audit log.
    static func appendTorn(_ text: String, to path: String) throws {
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
        try handle.close()
    }

    /// What a deploy killed before its gate leaves: release r2 recorded `pending` (a copy of r1).
    static func writePendingR2(_ project: DeployProject) throws {
        let first = try String(contentsOfFile: project.tree.path(".crank/state/dev/releases/r1.json"), encoding: .utf8)
        try project.tree.write(".crank/state/dev/releases/r2.json", first.replacingOccurrences(of: "\"id\" : \"r1\"", with: "\"id\" : \"r2\"")
            .replacingOccurrences(of: "\"status\" : \"live\"", with: "\"status\" : \"pending\""))
    }

    @Test("an unreadable lock file is held by an unknown holder: deploy exits 3 within --lock-wait naming the file; lock status and lock release --force handle it")
    func unreadableLock() throws {
        let project = try DeployProject()
        defer { project.cleanUp() }
        let lock = project.tree.path(".crank/state/dev/lock")
        for contents in ["garbage{", ""] {
            try project.tree.write(".crank/state/dev/lock", contents)
            let started = Date()
            let deploy = try project.crank(["deploy", "--env", "dev", "--lock-wait", "1s"])
            #expect(deploy.status == 3, "\(deploy.stderr)")
            #expect(Date().timeIntervalSince(started) < 20)
            #expect(deploy.stderr.contains("is unreadable"), "\(deploy.stderr)")
            #expect(deploy.stderr.contains(lock))
            #expect(deploy.stderr.contains("crank lock release --env dev --force"))
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: project.tree.path(".crank/state/dev")).filter { $0.hasSuffix(".tmp") }
            #expect(leftovers.isEmpty, "\(leftovers)")
            let status = try project.crank(["lock", "status", "--env", "dev"])
            #expect(status.stdout.contains("dev is locked by an unknown holder"), "\(status.stdout)")
            #expect(status.stdout.contains("unreadable"))
            let release = try project.crank(["lock", "release", "--env", "dev", "--force", "--reason", "garbled"])
            #expect(release.status == 0, "\(release.stderr)")
            #expect(!FileManager.default.fileExists(atPath: lock))
        }
        #expect(try project.crank(["deploy", "--env", "dev"]).status == 0)
    }

    @Test("a lock whose pid is alive on this host but started after the lock was taken (pid reuse) is stale and taken over")
    func reusedPid() throws {
        let project = try DeployProject()
        defer { project.cleanUp() }
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["60"]
        try sleeper.run()
        defer { sleeper.terminate() }
        let host = ProcessInfo.processInfo.hostName
        try project.tree.write(".crank/state/dev/lock", """
            {"command": "crank deploy --env dev", "host": "\(host)", "pid": \(sleeper.processIdentifier), "since": "2030-01-01T00:00:00Z",
             "start_ticks": 1, "ttl_seconds": 360000000, "user": "someone"}
            """)
        let deploy = try project.crank(["deploy", "--env", "dev"])
        #expect(deploy.status == 0, "\(deploy.stderr)")
        #expect(deploy.stderr.contains("took over a stale lock"))
    }

    @Test("a deleted or garbled live pointer is recovered from the records with a warning; the next deploy leaves exactly one release live")
    func livePointer() throws {
        let project = try DeployProject()
        defer { project.cleanUp() }
        #expect(try project.crank(["deploy", "--env", "dev"]).status == 0)
        let pointer = project.tree.path(".crank/state/dev/live")
        try FileManager.default.removeItem(atPath: pointer)
        let status = try project.crank(["status", "--env", "dev"])
        #expect(status.stderr.contains("live release r1"), "\(status.stderr)")
        #expect(status.stderr.contains("warning: "), "\(status.stderr)")
        #expect(status.stderr.contains(pointer))
        #expect(try project.crank(["deploy", "--env", "dev"], ["VERSION": "2"]).status == 0)
        try project.tree.write(".crank/state/dev/live", "r9 garbage\u{0}")
        #expect(try project.crank(["deploy", "--env", "dev"], ["VERSION": "3"]).status == 0)
        #expect(try project.history().map { $0["status"] as? String } == ["live", "superseded", "superseded"])
        #expect(project.version(project.web) == "3")
    }

    @Test("a garbled release record is listed as unreadable with its path, and its number is never reused")
    func garbledRecord() throws {
        let project = try DeployProject()
        defer { project.cleanUp() }
        #expect(try project.crank(["deploy", "--env", "dev"]).status == 0)
        #expect(try project.crank(["deploy", "--env", "dev"], ["VERSION": "2"]).status == 0)
        let record = project.tree.path(".crank/state/dev/releases/r2.json")
        try project.tree.write(".crank/state/dev/releases/r2.json", "{\"id\": \"r2\", trunc")
        let history = try project.crank(["history", "--env", "dev"])
        #expect(history.stdout.contains("unreadable"), "\(history.stdout)")
        #expect(history.stdout.contains(record) || history.stderr.contains(record), "\(history.stdout)\(history.stderr)")
        #expect(try project.crank(["deploy", "--env", "dev"], ["VERSION": "3"]).status == 0)
        #expect(try project.history().first?["id"] as? String == "r3")
    }

    @Test("a deleted releases folder does not restart numbering, and an existing release directory is never overwritten")
    func numbering() throws {
        let project = try DeployProject()
        defer { project.cleanUp() }
        #expect(try project.crank(["deploy", "--env", "dev"]).status == 0)
        try project.tree.write(".crank/releases/dev/r1/marker", "r1's own copy")
        try FileManager.default.removeItem(atPath: project.tree.path(".crank/state/dev/releases"))
        #expect(try project.crank(["deploy", "--env", "dev"], ["VERSION": "2"]).status == 0)
        #expect(try project.history().map { $0["id"] as? String } == ["r2"])
        try FileManager.default.removeItem(atPath: project.tree.path(".crank/state/dev"))
        let third = try project.crank(["deploy", "--env", "dev"], ["VERSION": "3"])
        #expect(third.status == 0, "\(third.stderr)")
        #expect(try project.history().map { $0["id"] as? String } == ["r3"])
        #expect(FileManager.default.contents(atPath: project.tree.path(".crank/releases/dev/r1/marker")) == Data("r1's own copy".utf8))
    }

    @Test("a torn last line of the audit log does not swallow the next entry")
    func tornAudit() throws {
        let project = try DeployProject()
        defer { project.cleanUp() }
        #expect(try project.crank(["deploy", "--env", "dev"]).status == 0)
        let path = project.tree.path(".crank/state/dev/audit.jsonl")
        try Self.appendTorn("{\"time\": \"2024-01-0", to: path)
        #expect(try project.crank(["deploy", "--env", "dev"], ["VERSION": "2"]).status == 0)
        let lines = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self).split(separator: "\n")
        let last = try #require(lines.last)
        let entry = try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any]
        #expect(entry?["command"] as? String == "deploy")
        #expect(lines.filter { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) == nil }.count == 1)
    }

    @Test("a killed deploy's pending release is marked interrupted, with an audit entry, by the next command that takes the lock")
    func interruptedRelease() throws {
        let project = try DeployProject()
        defer { project.cleanUp() }
        #expect(try project.crank(["deploy", "--env", "dev"]).status == 0)
        try Self.writePendingR2(project)
        let deploy = try project.crank(["deploy", "--env", "dev"], ["VERSION": "2"])
        #expect(deploy.status == 0, "\(deploy.stderr)")
        #expect(deploy.stderr.contains("r2"), "\(deploy.stderr)")
        #expect(try project.history().map { $0["status"] as? String } == ["live", "interrupted", "superseded"])
        let audit = try String(contentsOfFile: project.tree.path(".crank/state/dev/audit.jsonl"), encoding: .utf8)
        #expect(audit.contains("\"outcome\":\"interrupted\"") && audit.contains("\"release\":\"r2\""), "\(audit)")
    }

    @Test("a garbled .crank/secret-key fails with an error naming the file, what is wrong and the fix")
    func garbledSecretKey() throws {
        let project = try DeployProject()
        defer { project.cleanUp() }
        try project.tree.write(".crank/secret-key", "short")
        let deploy = try project.crank(["deploy", "--env", "dev"])
        #expect(deploy.status == 1)
        #expect(!deploy.stderr.contains("cannot create"), "\(deploy.stderr)")
        #expect(deploy.stderr.contains(project.tree.path(".crank/secret-key")), "\(deploy.stderr)")
        #expect(deploy.stderr.contains("5 bytes"), "\(deploy.stderr)")
        #expect(deploy.stderr.contains("delete it"), "\(deploy.stderr)")
    }

    @Test("keep_releases keeps the release directories of the newest restorable releases and the live one; records stay", .timeLimit(.minutes(5)))
    func keepReleases() throws {
        let project = try DeployProject()
        defer { project.cleanUp() }
        let config = try String(contentsOfFile: project.tree.path("crank.yaml"), encoding: .utf8)
        try project.tree.write("crank.yaml", config.replacingOccurrences(of: "dev: {target: local}", with: "dev: {target: local, keep_releases: 2}"))
        for version in 1...4 { #expect(try project.crank(["deploy", "--env", "dev"], ["VERSION": "\(version)"]).status == 0) }
        let directories = try FileManager.default.contentsOfDirectory(atPath: project.tree.path(".crank/releases/dev")).sorted()
        #expect(directories == ["r3", "r4"])
        #expect(try project.history().count == 4)
        let refused = try project.crank(["rollback", "--env", "dev", "--to", "r1"], ["VERSION": "4"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("hint: restorable releases: r3"), "\(refused.stderr)")
        try project.tree.write("crank.yaml", config.replacingOccurrences(of: "dev: {target: local}", with: "dev: {target: local, keep_releases: 0}"))
        let invalid = try project.crank(["validate", "--env", "dev"])
        #expect(invalid.status != 0)
        #expect((invalid.stdout + invalid.stderr).contains("environments.dev.keep_releases"), "\(invalid.stdout)\(invalid.stderr)")
    }

    @Test("a full disk is an error naming the path with a hint; no partial release directory is left", .enabled(if: StateIntegrityTests.isRoot))
    func fullDisk() throws {
        let project = try DeployProject()
        defer { project.cleanUp() }
        try project.tree.write("big.bin", bytes: [UInt8](repeating: 7, count: 2_000_000))
        let releases = project.tree.path(".crank/releases")
        try project.tree.mkdir(".crank/releases")
        try #require(try ProcessRunner.run("/bin/mount", ["-t", "tmpfs", "-o", "size=1M", "tmpfs", releases]).status == 0)
        defer { _ = try? ProcessRunner.run("/bin/umount", [releases]) }
        let deploy = try project.crank(["deploy", "--env", "dev"])
        #expect(deploy.status == 1)
        #expect(deploy.stderr.contains("no space left"), "\(deploy.stderr)")
        #expect(deploy.stderr.contains(releases + "/dev/r1"), "\(deploy.stderr)")
        #expect(deploy.stderr.contains("free"), "\(deploy.stderr)")
        #expect(!deploy.stderr.contains("Error Domain"), "\(deploy.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: releases + "/dev").isEmpty)

        let state = project.tree.path(".crank/state")
        try project.tree.mkdir(".crank/state")
        try #require(try ProcessRunner.run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", state]).status == 0)
        defer { _ = try? ProcessRunner.run("/bin/umount", [state]) }
        _ = try? Data(repeating: 1, count: 64 * 1024).write(to: URL(fileURLWithPath: state + "/filler"))
        let full = try project.crank(["deploy", "--env", "dev"])
        #expect(full.status == 1)
        #expect(full.stderr.contains("no space left"), "\(full.stderr)")
        #expect(full.stderr.contains(state + "/dev"), "\(full.stderr)")
        #expect(full.stderr.contains("hint: free"), "\(full.stderr)")
    }

    @Test("doctor reports every state problem and --repair fixes what it can, saying what it did")
    func doctorRepair() throws {
        let project = try DeployProject()
        defer { project.cleanUp() }
        #expect(try project.crank(["deploy", "--env", "dev"]).status == 0)
        try project.tree.write(".crank/state/dev/live", "not a release\n")
        try project.tree.mkdir(".crank/releases/dev/r7.partial")
        try project.tree.write(".crank/state/dev/releases/.r3.json.ABC.tmp", "{")
        let old = Date().addingTimeInterval(-3600)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: project.tree.path(".crank/state/dev/releases/.r3.json.ABC.tmp"))
        try Self.writePendingR2(project)
        try Self.appendTorn("{\"torn", to: project.tree.path(".crank/state/dev/audit.jsonl"))
        let report = try project.crank(["doctor", "--env", "dev"])
        let text = report.stdout + report.stderr
        #expect(report.status == 1)
        for expected in ["live pointer", "r7.partial", ".r3.json.ABC.tmp", "r2 is pending", "audit.jsonl", "--repair"] {
            #expect(text.contains(expected), "missing \(expected) in \(text)")
        }
        let repair = try project.crank(["doctor", "--env", "dev", "--repair"])
        let repaired = repair.stdout + repair.stderr
        #expect(repaired.contains("repaired"), "\(repaired)")
        #expect(!FileManager.default.fileExists(atPath: project.tree.path(".crank/releases/dev/r7.partial")))
        #expect(try String(contentsOfFile: project.tree.path(".crank/state/dev/live"), encoding: .utf8) == "r1\n")
        #expect(try project.history().map { $0["status"] as? String } == ["interrupted", "live"])
        let again = try project.crank(["doctor", "--env", "dev"])
        #expect((again.stdout + again.stderr).contains("state of dev: no problems"), "\(again.stdout)\(again.stderr)")
    }
}
