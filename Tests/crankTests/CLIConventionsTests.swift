import CrankTestSupport
import Foundation
import Testing

/// The command line as people type it: global options before the command, usage errors,
/// help, completion. Runs the built binary; nothing is deployed.
@Suite("CLI conventions (the built binary)")
struct CLIConventionsTests {
    static func project() throws -> TemporaryTree {
        try TemporaryTree([
            "crank.yaml": """
                project: cli
                environments:
                  dev: {target: local}
                  prod: {target: local}
                deployments:
                  api: {command: [python3, api.py], port: 18080}
                  worker: {command: [python3, worker.py]}
                """,
            "deployment/environments/staging.yaml": "deployments:\n  api: null\n  batch: {command: [python3, batch.py]}\n",
        ])
    }

    @Test("-C, --project-root and --json before the command work as after it (also for a nested command)")
    func globalOptionsFirst() throws {
        let tree = try Self.project()
        let elsewhere = try TemporaryTree()
        let after = try ProcessRunner.crank(["config", "--env", "dev", "--json", "-C", tree.root], in: elsewhere.root)
        #expect(after.status == 0, "\(after.stderr)")
        for arguments in [["-C", tree.root, "--json", "config", "--env", "dev"],
                          ["--json", "--project-root", tree.root, "config", "--env", "dev"],
                          ["--project-root=\(tree.root)", "--json", "config", "--env", "dev"]] {
            let before = try ProcessRunner.crank(arguments, in: elsewhere.root)
            #expect(before.status == 0, "\(arguments): \(before.stderr)")
            #expect(before.stdout == after.stdout, "\(arguments)")
        }
        let nested = try ProcessRunner.crank(["-C", tree.root, "--json", "lock", "status", "--env", "dev"], in: elsewhere.root)
        #expect(nested.status == 0, "\(nested.stderr)")
        #expect((try? nested.jsonObject()) != nil, "\(nested.stdout)")
    }

    @Test("a usage error is `error: …` (lowercase) and exits 64")
    func usageError() throws {
        for arguments in [["deploy", "--env", "dev", "--bogus"], ["rollback"], ["deploy", "--env", "dev", "--jobs", "many"]] {
            let output = try ProcessRunner.crank(arguments)
            #expect(output.status == 64, "\(arguments)")
            #expect(output.stderr.hasPrefix("error: "), "\(arguments): \(output.stderr)")
            #expect(!output.stderr.contains("Error:"), "\(arguments): \(output.stderr)")
        }
    }

    @Test("a mistyped command exits 64 with the closest command; at the top level and inside `lock`")
    func didYouMean() throws {
        let top = try ProcessRunner.crank(["deplyo", "--env", "dev"])
        #expect(top.status == 64)
        #expect(top.stderr.contains("error: unknown command 'deplyo'"), "\(top.stderr)")
        #expect(top.stderr.contains("did you mean `crank deploy`?"), "\(top.stderr)")
        let nested = try ProcessRunner.crank(["lock", "stauts", "--env", "dev"])
        #expect(nested.status == 64)
        #expect(nested.stderr.contains("did you mean `crank lock status`?"), "\(nested.stderr)")
        let afterOptions = try ProcessRunner.crank(["-C", "/tmp", "stauts"])
        #expect(afterOptions.status == 64)
        #expect(afterOptions.stderr.contains("did you mean `crank status`?"), "\(afterOptions.stderr)")
    }

    @Test("help: `crank help nosuch` exits 64; help, --help, --version and completion scripts still work")
    func help() throws {
        let nosuch = try ProcessRunner.crank(["help", "nosuch"])
        #expect(nosuch.status == 64)
        #expect(nosuch.stderr.contains("error: unknown command 'nosuch'"), "\(nosuch.stderr)")
        let deploy = try ProcessRunner.crank(["help", "deploy"])
        #expect(deploy.status == 0, "\(deploy.stderr)")
        #expect(deploy.stdout.contains("USAGE: crank deploy"), "\(deploy.stdout)")
        #expect(try ProcessRunner.crank(["help", "lock", "status"]).stdout.contains("USAGE: crank lock status"))
        #expect(try ProcessRunner.crank(["deploy", "--help"]).stdout.contains("USAGE: crank deploy"))
        let top = try ProcessRunner.crank(["--help"])
        #expect(top.status == 0)
        for code in ["0 ", "1 ", "2 ", "3 ", "64 "] {
            #expect(top.stdout.contains("\n  " + code), "exit code \(code)missing from:\n\(top.stdout)")
        }
        let version = try ProcessRunner.crank(["--version"])
        #expect(version.status == 0 && !version.stdout.isEmpty)
        for shell in ["bash", "zsh", "fish"] {
            let script = try ProcessRunner.crank(["--generate-completion-script", shell])
            #expect(script.status == 0, "\(shell)")
            #expect(script.stdout.contains("---completion"), "\(shell): the script asks crank for --env values")
        }
    }

    @Test("options show what their value is (<name>, <release>, <duration>), and --timeout says what it does for start and restart")
    func valueNames() throws {
        let deploy = try ProcessRunner.crank(["help", "deploy"]).stdout
        #expect(deploy.contains("--only <name>"), "\(deploy)")
        #expect(deploy.contains("--jobs <n>"), "\(deploy)")
        #expect(deploy.contains("--reason <text>"), "\(deploy)")
        #expect(try ProcessRunner.crank(["help", "rollback"]).stdout.contains("--to <release>"))
        for command in ["start", "restart", "stop"] {
            let text = try ProcessRunner.crank(["help", command]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(text.contains("--timeout <duration>"), "\(command)")
            #expect(text.contains("SIGTERM and SIGKILL"), "\(command): \(text)")
            #expect(!text.contains("Seconds to wait"), "\(command): \(text)")
        }
        let start = try ProcessRunner.crank(["help", "start"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(start.contains("fails its health check"), "\(start)")
        for text in [deploy, try ProcessRunner.crank(["help", "rollback"]).stdout, try ProcessRunner.crank(["help", "smoke"]).stdout] {
            #expect(!text.contains("<only>") && !text.contains("<to>") && !text.contains("<names>"), "\(text)")
        }
    }

    @Test("completion of --env lists the project's environments (crank.yaml and overlays), honouring a -C typed before")
    func completeEnvironments() throws {
        let tree = try Self.project()
        let elsewhere = try TemporaryTree()
        let words = ["crank", "-C", tree.root, "deploy", "--env", ""]
        let all = try ProcessRunner.crank(["---completion", "deploy", "--", "--env", "5", "0"] + words, in: elsewhere.root)
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.stdout.split(separator: "\n") == ["dev", "prod", "staging"], "\(all.stdout)")
        let prefixed = try ProcessRunner.crank(["---completion", "validate", "--", "--env", "2", "1", "crank", "validate", "--env", "p"], in: tree.root)
        #expect(prefixed.stdout.split(separator: "\n") == ["prod"], "\(prefixed.stdout) \(prefixed.stderr)")
    }

    @Test("completion of deployment names follows --env's overlay; for --only, start NAME… and smoke NAME…")
    func completeDeployments() throws {
        let tree = try Self.project()
        let only = try ProcessRunner.crank(["---completion", "deploy", "--", "--only", "4", "0", "crank", "deploy", "--env", "dev", "--only", ""], in: tree.root)
        #expect(only.stdout.split(separator: "\n") == ["api", "worker"], "\(only.stdout) \(only.stderr)")
        let staging = try ProcessRunner.crank(["---completion", "start", "--", "positional@0", "4", "0", "crank", "start", "--env", "staging", ""], in: tree.root)
        #expect(staging.stdout.split(separator: "\n") == ["batch", "worker"], "\(staging.stdout) \(staging.stderr)")
        let smoke = try ProcessRunner.crank(["---completion", "smoke", "--", "positional@0", "2", "1", "crank", "smoke", "w"], in: tree.root)
        #expect(smoke.stdout.split(separator: "\n") == ["worker"], "\(smoke.stdout) \(smoke.stderr)")
    }

    @Test("bash: `crank -C DIR deploy --env <TAB>` offers DIR's environments through the generated completion script")
    func bashCompletion() throws {
        let tree = try Self.project()
        let elsewhere = try TemporaryTree()
        let crankDirectory = (ProcessRunner.crankPath as NSString).deletingLastPathComponent
        let script = """
            PATH="\(crankDirectory):$PATH"
            source <(crank --generate-completion-script bash)
            COMP_WORDS=(crank -C "\(tree.root)" deploy --env "")
            COMP_CWORD=5
            COMP_LINE="crank -C \(tree.root) deploy --env "
            COMP_POINT=${#COMP_LINE}
            _crank crank "" --env
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let output = try ProcessRunner.run("/bin/bash", ["-c", script], in: elsewhere.root)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.split(separator: "\n") == ["dev", "prod", "staging"], "\(output.stdout) \(output.stderr)")
    }
}
