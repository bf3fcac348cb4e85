import CrankTestSupport
import Foundation
import Testing

@Suite("crank init (the built binary)")
struct InitCommandTests {
    @Test("init writes a crank.yaml that validates and .crank/.gitignore; a second init refuses to overwrite")
    func starter() throws {
        let tree = try TemporaryTree(["flows/hello.py": "from prefect import flow\n\n\n@flow\ndef hello(name: str = \"world\"):\n    pass\n"])
        let first = try ProcessRunner.crank(["init", "-C", tree.root])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("created crank.yaml (1 deployment)"))
        let written = try String(contentsOfFile: tree.path("crank.yaml"), encoding: .utf8)
        #expect(written.contains("  hello:\n    flow: flows/hello.py:hello\n"))
        #expect(try String(contentsOfFile: tree.path(".crank/.gitignore"), encoding: .utf8) == "*\n")
        let validate = try ProcessRunner.crank(["validate", "-C", tree.root])
        #expect(validate.status == 0, "\(validate.stderr)\n\(written)")

        try tree.write("crank.yaml", "project: mine\n")
        let second = try ProcessRunner.crank(["init", "-C", tree.root])
        #expect(second.status == 1)
        #expect(second.stderr.contains("crank.yaml already exists; crank init does not overwrite it"), "\(second.stderr)")
        #expect(second.stderr.contains("hint: "))
        #expect(try String(contentsOfFile: tree.path("crank.yaml"), encoding: .utf8) == "project: mine\n")
    }

    @Test("init --from prefect.yaml && build --env prod writes back an equivalent prefect.yaml")
    func roundTrip() throws {
        let tree = try TemporaryTree()
        let source = Checkout.root + "/Tests/crankTests/Fixtures/prefect-import/anchors"
        for item in try FileManager.default.contentsOfDirectory(atPath: source) {
            try FileManager.default.copyItem(atPath: source + "/" + item, toPath: tree.path(item))
        }
        let initialized = try ProcessRunner.crank(["init", "--from", "prefect.yaml"], in: tree.root)
        #expect(initialized.status == 0, "\(initialized.stderr)")
        #expect(initialized.stdout.contains("created crank.yaml (3 deployments)"))
        let build = try ProcessRunner.crank(["build", "--env", "prod", "-C", tree.root])
        #expect(build.status == 0, "\(build.stderr)")
        let original = try PrefectYAMLEquivalence.deployments(ofFile: tree.path("prefect.yaml"))
        let rebuilt = try PrefectYAMLEquivalence.deployments(ofFile: tree.path(".crank/build/prod/prefect.yaml"))
        #expect(PrefectYAMLEquivalence.differences(original: original, rebuilt: rebuilt) == [])
    }

    @Test("an import with what crank cannot represent writes nothing and names every key path")
    func unsupported() throws {
        let tree = try TemporaryTree()
        let source = Checkout.root + "/Tests/crankTests/Fixtures/prefect-import/unsupported"
        for item in try FileManager.default.contentsOfDirectory(atPath: source) {
            try FileManager.default.copyItem(atPath: source + "/" + item, toPath: tree.path(item))
        }
        let output = try ProcessRunner.crank(["init", "--from", tree.path("prefect.yaml"), "-C", tree.root])
        #expect(output.status == 1)
        #expect(!FileManager.default.fileExists(atPath: tree.path("crank.yaml")))
        #expect(output.stderr.contains("prefect.yaml:15:"), "file:line of the rrule: \(output.stderr)")
        for path in ["deployments[0].schedules[0].rrule", "deployments[0].triggers", "deployments[0].sla"] {
            #expect(output.stderr.contains(path), "\(path) in \(output.stderr)")
        }
        #expect(output.stderr.contains("crank.yaml not written"))
        let json = try ProcessRunner.crank(["init", "--from", tree.path("prefect.yaml"), "--json", "-C", tree.root])
        #expect(json.status == 1 && json.stderr.isEmpty, "\(json.stderr)")
        let document = try json.jsonObject()
        #expect(document["file"] is NSNull)
        let lines = ((document["issues"] as? [[String: Any]]) ?? []).compactMap { $0["line"] as? Int }
        #expect(lines == lines.sorted() && lines.count >= 8, "issues in file order: \(lines)")
    }
}
