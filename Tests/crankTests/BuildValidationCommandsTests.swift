import CrankTestSupport
import Foundation
import Testing

/// build, plan and deploy run the validation `crank validate` runs, and write nothing when it fails.
@Suite("crank build / plan refuse configs validate rejects (the built binary)")
struct BuildValidationCommandsTests {
    static let token = "tok-\(UUID().uuidString)"
    static let environment = ["MODEL_API_TOKEN": token]

    /// The example project with `old` replaced by `new` in `file`.
    func broken(_ file: String, _ old: String, _ new: String) throws -> TemporaryTree {
        let tree = try exampleCopy()
        let text = try String(contentsOfFile: tree.path(file), encoding: .utf8)
        #expect(text.contains(old), "\(file) no longer contains \(old)")
        try tree.write(file, text.replacingOccurrences(of: old, with: new))
        return tree
    }

    @Test("build with a bad cron (and --dry-run too) exits 1, prints the issue and writes no prefect.yaml")
    func badCron() throws {
        let tree = try broken("crank.yaml", "\"0 6 * * 1-5\"", "\"61 6 * * 1-5\"")
        for arguments in [["build", "--env", "staging"], ["build", "--env", "staging", "--dry-run"]] {
            let output = try ProcessRunner.crank(arguments + ["-C", tree.root], environment: Self.environment)
            #expect(output.status == 1)
            #expect(output.stderr.contains("deployments.rpa1-intake.schedule.cron"), "\(output.stderr)")
            #expect(output.stderr.contains("[invalid-cron]"))
            #expect(output.stderr.contains("not built: the config has errors"))
            #expect(!output.stdout.contains("prefect.yaml"))
        }
        #expect(!FileManager.default.fileExists(atPath: tree.path(".crank/build")))
    }

    @Test("build reports every issue at once: an empty command and a bad secret name")
    func everyIssue() throws {
        let tree = try broken("crank.yaml", "command: [python3, workers/doc_converter.py]", "command: []\n    secrets: [bad-name]")
        let output = try ProcessRunner.crank(["build", "--env", "dev", "-C", tree.root], environment: Self.environment)
        #expect(output.status == 1)
        #expect(output.stderr.contains("deployments.doc-converter.command: command is an empty list [invalid-value]"), "\(output.stderr)")
        #expect(output.stderr.contains("[invalid-name]"))
        #expect(!FileManager.default.fileExists(atPath: tree.path(".crank/build")))
    }

    @Test("plan with a port clash exits 1 before asking the target anything")
    func planPortClash() throws {
        let tree = try broken("deployment/environments/dev.yaml", "  doc-converter:\n", "  doc-converter:\n    port: 18080\n")
        let output = try ProcessRunner.crank(["plan", "--env", "dev", "-C", tree.root], environment: Self.environment)
        #expect(output.status == 1)
        #expect(output.stderr.contains("[port-clash]"), "\(output.stderr)")
        #expect(output.stderr.contains("not planned: the config has errors"))
        #expect(!output.stdout.contains("to create"))
    }

    @Test("a secret interpolated into a description stops build and deploy; the value is printed nowhere and written nowhere")
    func secretInDescription() throws {
        let tree = try broken("crank.yaml", "description: HTTP model catalogue service.", "description: \"catalogue ${MODEL_API_TOKEN}\"")
        let build = try ProcessRunner.crank(["build", "--env", "dev", "-C", tree.root], environment: Self.environment)
        #expect(build.status == 1)
        #expect(build.stderr.contains("deployments.model-api.description"), "\(build.stderr)")
        #expect(build.stderr.contains("[secret-placement]"))
        let deploy = try ProcessRunner.crank(["deploy", "--env", "dev", "-C", tree.root], environment: Self.environment)
        #expect(deploy.status == 1)
        #expect(deploy.stderr.contains("not deployed: the config has errors"))
        for output in [build, deploy] { #expect(!(output.stdout + output.stderr).contains(Self.token)) }
        #expect(!FileManager.default.fileExists(atPath: tree.path(".crank/build")))
        #expect(!FileManager.default.fileExists(atPath: tree.path(".crank/releases")))
    }
}
