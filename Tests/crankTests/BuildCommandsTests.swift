import CrankTestSupport
import Foundation
import Testing

@Suite("crank build / plan (the built binary)")
struct BuildCommandsTests {
    static let environment = ["MODEL_API_TOKEN": "tok-\(UUID().uuidString)"]

    @Test("build --dry-run writes nothing; build writes the artifacts and lists the image commands")
    func build() throws {
        let tree = try exampleCopy()
        let dry = try ProcessRunner.crank(["build", "--env", "prod", "--dry-run", "--json", "-C", tree.root], environment: Self.environment)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(!FileManager.default.fileExists(atPath: tree.path(".crank/build")))
        let document = try dry.jsonObject()
        #expect(document["dry_run"] as? Bool == true)
        #expect((document["files"] as? [String])?.contains(".crank/build/prod/containers/model-api/Containerfile") == true)
        #expect((document["commands"] as? [String])?.first?.hasPrefix("podman build -t localhost/rpa-platform-model-api:") == true)
        let real = try ProcessRunner.crank(["build", "--env", "prod", "-C", tree.root], environment: Self.environment)
        #expect(real.status == 0)
        #expect(FileManager.default.fileExists(atPath: tree.path(".crank/build/prod/manifest.json")))
        #expect(real.stdout.contains("wrote        .crank/build/prod/containers/model-api/Containerfile.ignore"), "\(real.stdout)")
    }

    @Test("plan: everything is create with nothing live; --detailed-exitcode exits 2 on changes and 0 once live matches")
    func plan() throws {
        let tree = try exampleCopy()
        let first = try ProcessRunner.crank(["plan", "--env", "dev", "-C", tree.root], environment: Self.environment)
        #expect(first.status == 0)
        #expect(first.stdout.contains("2 to create, 0 to update, 0 to delete, 0 unchanged"))
        let detailed = try ProcessRunner.crank(["plan", "--env", "dev", "--detailed-exitcode", "-C", tree.root], environment: Self.environment)
        #expect(detailed.status == 2)
        // Record the built manifest as the live release r1 (the format the release engine writes).
        #expect(try ProcessRunner.crank(["build", "--env", "dev", "-C", tree.root], environment: Self.environment).status == 0)
        let manifest = try String(contentsOfFile: tree.path(".crank/build/dev/manifest.json"), encoding: .utf8)
        try tree.write(".crank/state/dev/releases/r1.json", """
            {"format": 1, "id": "r1", "environment": "dev", "status": "live", "created_at": "2026-11-23T08:00:00Z",
             "user": "test", "host": "test", "git_sha": null, "tag": "t", "reason": null, "config_hash": "x",
             "secrets": [], "failure": null, "manifest": \(manifest)}
            """)
        try tree.write(".crank/state/dev/live", "r1\n")
        let same = try ProcessRunner.crank(["plan", "--env", "dev", "--detailed-exitcode", "-C", tree.root], environment: Self.environment)
        #expect(same.status == 0, "\(same.stdout)")
        #expect(same.stdout.contains("0 to create, 0 to update, 0 to delete, 2 unchanged"))
        let rotated = try ProcessRunner.crank(["plan", "--env", "dev", "--json", "-C", tree.root], environment: ["MODEL_API_TOKEN": "rotated-secret-value"])
        let changes = try #require(try rotated.jsonObject()["deployments"] as? [[String: Any]])
        let api = try #require(changes.first { $0["name"] as? String == "model-api" })
        #expect(api["action"] as? String == "update")
        #expect((api["changes"] as? [[String: Any]])?.first?["field"] as? String == "secret MODEL_API_TOKEN")
        #expect(!rotated.stdout.contains("rotated-secret-value"))
    }

    @Test("a flow that is no longer discovered stops build with a clear error")
    func movedFlow() throws {
        let tree = try exampleCopy()
        try FileManager.default.removeItem(atPath: tree.path("flows/rpa2_reports.py"))
        let output = try ProcessRunner.crank(["build", "--env", "staging", "-C", tree.root], environment: Self.environment)
        #expect(output.status == 1)
        // Validation runs first and names the key; the renderer's own check stays for library users.
        #expect(output.stderr.contains("deployments.rpa2-report.flow: no discovered flow is named 'flows/rpa2_reports.py:daily_report' [unknown-flow]"))
        #expect(output.stderr.contains("run `crank discover`"))
        #expect(output.stderr.contains("not built: the config has errors"))
    }
}
