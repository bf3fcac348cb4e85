import CrankTestSupport
import Foundation
import Testing

/// `--format github`, the job summary and `--junit` through the built binary (no processes are
/// deployed here; the deploy case is `CIKitDeployTests`).
@Suite("CI kit: --format github, job summary, --junit (the built binary)")
struct CIKitCommandsTests {
    static let environment = ["MODEL_API_TOKEN": "tok-\(UUID().uuidString)"]

    /// A summary file that already holds an earlier step's section.
    static func summaryFile(_ tree: TemporaryTree) throws -> String {
        try tree.write("step-summary.md", "### an earlier step\n\n")
        return tree.path("step-summary.md")
    }

    @Test("--format github with --json is a usage error on all six commands: exit 64, error: on stderr, nothing on stdout")
    func usage() throws {
        let tree = try exampleCopy()
        for command in [["validate"], ["doctor", "--env", "dev"], ["plan", "--env", "dev"], ["deploy", "--env", "dev"],
                        ["smoke", "--env", "staging", "--all"], ["health", "--env", "dev"]] {
            let output = try ProcessRunner.crank(command + ["--format", "github", "--json", "-C", tree.root], environment: Self.environment)
            #expect(output.status == 64, "\(command): \(output.stderr)")
            // `error:` (ArgumentParser itself prints `Error:`).
            #expect(output.stderr.lowercased().contains("error: --format github cannot be combined with --json"), "\(command): \(output.stderr)")
            #expect(output.stdout.isEmpty, "\(command)")
        }
    }

    @Test("validate --format github: annotations on stdout, the issues appended to $GITHUB_STEP_SUMMARY (twice: appended, not overwritten)")
    func validate() throws {
        let tree = try TemporaryTree(["crank.yaml": "project: demo\nenvironments: {dev: {target: local}}\ndeployments:\n  api: {command: [x], prot: 1}\n"])
        let summary = try Self.summaryFile(tree)
        let output = try ProcessRunner.crank(["validate", "--format", "github", "-C", tree.root], environment: ["GITHUB_STEP_SUMMARY": summary])
        #expect(output.status == 1)
        #expect(output.stdout.hasPrefix("::error file=crank.yaml,line=4,col=23,title=crank unknown-key::deployments.api.prot: unknown key 'prot'"))
        let markdown = try String(contentsOfFile: summary, encoding: .utf8)
        #expect(markdown.hasPrefix("### an earlier step\n\n### crank validate\n\n1 error, 0 warnings (dev)\n\n"), "\(markdown)")
        #expect(markdown.contains("| error | crank.yaml:4:23 | deployments.api.prot: unknown key 'prot' \\[unknown-key\\] | did you mean 'port'?"), "\(markdown)")
        // Once more: appended again, not overwritten.
        _ = try ProcessRunner.crank(["validate", "--format", "github", "-C", tree.root], environment: ["GITHUB_STEP_SUMMARY": summary])
        #expect(try String(contentsOfFile: summary, encoding: .utf8).components(separatedBy: "### crank validate").count == 3)
    }

    @Test("doctor --format github: each missing dependency is an error annotation with its install hint; the summary lists every check")
    func doctor() throws {
        let tree = try exampleCopy()
        try requirePandocInDev(tree)
        let summary = try Self.summaryFile(tree)
        let output = try ProcessRunner.crank(["doctor", "--env", "dev", "--format", "github", "-C", tree.root],
                                             environment: ["PATH": "/usr/bin:/bin", "GITHUB_STEP_SUMMARY": summary])
        #expect(output.status == 1)
        let annotation = try #require(output.stdout.split(separator: "\n").first { $0.hasPrefix("::error ") && $0.contains("pandoc") })
        #expect(annotation.hasPrefix("::error title=crank doctor --env dev::executable pandoc is missing (needed by doc-converter) (hint: apt: apt-get install -y pandoc"),
                "\(annotation)")
        let markdown = try String(contentsOfFile: summary, encoding: .utf8)
        #expect(markdown.contains("### crank doctor --env dev"))
        #expect(markdown.contains("| MISSING | executable | pandoc | doc-converter | apt: apt-get install -y pandoc"), "\(markdown)")
    }

    @Test("plan --format github: the create/update/delete table in the summary; --detailed-exitcode still exits 2")
    func plan() throws {
        let tree = try exampleCopy()
        let summary = try Self.summaryFile(tree)
        var environment = Self.environment
        environment["GITHUB_STEP_SUMMARY"] = summary
        let output = try ProcessRunner.crank(["plan", "--env", "dev", "--detailed-exitcode", "--format", "github", "-C", tree.root], environment: environment)
        #expect(output.status == 2, "\(output.stderr)")
        #expect(output.stdout.contains("2 to create, 0 to update, 0 to delete, 0 unchanged"), "the text plan stays")
        let markdown = try String(contentsOfFile: summary, encoding: .utf8)
        #expect(markdown.contains("### crank plan --env dev\n\n2 to create, 0 to update, 0 to delete, 0 unchanged (live release: none; compared with the live release)"), "\(markdown)")
        #expect(markdown.contains("| DEPLOYMENT | ACTION | KIND | CHANGES |"))
        #expect(markdown.contains("| model-api | create |"), "\(markdown)")
        #expect(!markdown.contains(Self.environment["MODEL_API_TOKEN"]!))
    }

    @Test("health --junit --format github on a live release that is not running: a failure per deployment, annotations, summary")
    func health() throws {
        let tree = try exampleCopy()
        // Record the built manifest as the live release r1; nothing runs, so both deployments drift.
        #expect(try ProcessRunner.crank(["build", "--env", "dev", "-C", tree.root], environment: Self.environment).status == 0)
        let manifest = try String(contentsOfFile: tree.path(".crank/build/dev/manifest.json"), encoding: .utf8)
        try tree.write(".crank/state/dev/releases/r1.json", """
            {"format": 1, "id": "r1", "environment": "dev", "status": "live", "created_at": "2026-11-23T08:00:00Z",
             "user": "test", "host": "test", "git_sha": null, "tag": "t", "reason": null, "config_hash": "x",
             "secrets": [], "failure": null, "manifest": \(manifest)}
            """)
        try tree.write(".crank/state/dev/live", "r1\n")
        let summary = try Self.summaryFile(tree)
        var environment = Self.environment
        environment["GITHUB_STEP_SUMMARY"] = summary
        let output = try ProcessRunner.crank(["health", "--env", "dev", "--junit", "health.xml", "--format", "github", "-C", tree.root],
                                             in: tree.root, environment: environment)
        #expect(output.status == 1)
        let annotations = output.stdout.split(separator: "\n").filter { $0.hasPrefix("::error title=crank health --env dev::") }
        #expect(annotations.count == 2, "\(output.stdout)")
        let xml = try String(contentsOfFile: tree.path("health.xml"), encoding: .utf8)
        #expect(xml.contains("<testsuite name=\"crank health dev\" tests=\"2\" failures=\"2\" errors=\"0\">"), "\(xml)")
        #expect(xml.contains("<testcase classname=\"crank.health.dev\" name=\"model-api\"><failure message=\""), "\(xml)")
        let markdown = try String(contentsOfFile: summary, encoding: .utf8)
        #expect(markdown.contains("FAILING — 2 of 2 deployment(s) (live release r1)"), "\(markdown)")
        #expect(markdown.contains("| model-api | stopped |"), "\(markdown)")
        // A report under a regular file cannot be written: a clear error, exit 1.
        let unwritable = try ProcessRunner.crank(["health", "--env", "dev", "--junit", tree.path("health.xml/h.xml"), "-C", tree.root], environment: Self.environment)
        #expect(unwritable.status == 1)
        #expect(unwritable.stderr.contains("error: cannot write the JUnit report to \(tree.path("health.xml/h.xml"))"), "\(unwritable.stderr)")
    }
}
