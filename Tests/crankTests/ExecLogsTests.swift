import CrankTestSupport
import Foundation
import Testing

/// `crank exec` and `crank logs` on the local target, with real processes.
extension RealProcessSuites {
    @Suite("crank exec and crank logs on the local target (real processes)", .serialized)
    struct ExecLogsTests {
        @Test("exec: exit statuses pass through, the command gets the release directory, env and secret; the audit redacts the secret")
        func execLocal() async throws {
            let project = try DeployProject()
            defer { project.cleanUp() }
            let before = try await project.exec("web", ["true"])
            #expect(before.status == 125)
            #expect(before.stderr.contains("error: nothing is deployed in dev"), "\(before.stderr)")
            #expect(try await project.run(["deploy", "--env", "dev"]).status == 0)
            for code in [0, 3, 42] {
                let run = try await project.exec("web", ["sh", "-c", "exit \(code)"])
                #expect(run.status == Int32(code), "\(run.stderr)")
            }
            let killed = try await project.exec("web", ["sh", "-c", "kill -9 $$"])
            #expect(killed.status == 128 + 9, "\(killed.stderr)")
            let env = try await project.exec("web", ["sh", "-c", "echo \"$PWD|$VERSION|$API_TOKEN|$CRANK_RELEASE|$CRANK_DEPLOYMENT\""])
            #expect(env.status == 0, "\(env.stderr)")
            let release = URL(fileURLWithPath: project.tree.path(".crank/releases/dev/r1")).resolvingSymlinksInPath().path
            #expect(env.stdout == "\(release)|1|\(project.token)|r1|web\n", "\(env.stdout)")
            #expect(!env.stderr.contains(project.token))
            // The secret typed on the command line is recorded redacted.
            let echoed = try await project.exec("web", ["sh", "-c", "test \"$1\" = \"$API_TOKEN\" && exit 7", "sh", project.token])
            #expect(echoed.status == 7)
            let audit = auditEntries(project.tree.path(".crank/state/dev/audit.jsonl")).filter { $0["command"] as? String == "exec" }
            #expect(audit.map { $0["outcome"] as? String } == ["exit 0", "exit 3", "exit 42", "exit 137", "exit 0", "exit 7"])
            let last = try #require(audit.last?["arguments"] as? [String])
            #expect(last.contains("[redacted:API_TOKEN]") && !last.contains(project.token), "\(last)")
            #expect(audit.allSatisfy { $0["release"] as? String == "r1" })
            let log = try String(contentsOfFile: project.tree.path(".crank/state/dev/audit.jsonl"), encoding: .utf8)
            #expect(!log.contains(project.token))
        }

        @Test("exec: piped stdin streams through; a terminal is handed over")
        func execStdin() async throws {
            let project = try DeployProject()
            defer { project.cleanUp() }
            let deploy = try await project.run(["deploy", "--env", "dev"])
            #expect(deploy.status == 0, "\(deploy.stderr)")
            let arguments = ["exec", "--env", "dev", "worker", "-C", project.tree.root, "--", "sh", "-c", "test -t 0 && echo tty; tr a-z A-Z"]
            let piped = try await ProcessRunner.offPool { try crankWithInput(arguments, input: "hello\nworld\n", environment: ["API_TOKEN": project.token]) }
            #expect(piped.status == 0, "\(piped.stderr)")
            #expect(piped.stdout == "HELLO\nWORLD\n")
            let command = ([ProcessRunner.crankPath] + arguments.dropLast(1) + ["test -t 0 && test -t 1 && echo on-a-tty"]).map { "'\($0)'" }.joined(separator: " ")
            let onTTY = try await ProcessRunner.offPool { try ProcessRunner.run("/usr/bin/script", ["-qec", command, "/dev/null"], environment: ["API_TOKEN": project.token]) }
            #expect(onTTY.stdout.contains("on-a-tty"), "\(onTTY.stdout)")
        }

        @Test("logs: lines prefixed with the deployment, --tail, --release, --json; --follow ends when the process stops, and on Ctrl-C")
        func logsLocal() async throws {
            let project = try DeployProject()
            defer { project.cleanUp() }
            #expect(try await project.run(["deploy", "--env", "dev"]).status == 0)
            #expect(try await project.run(["deploy", "--env", "dev"], ["VERSION": "2"]).status == 0)
            request(project.web, "/first")
            request(project.worker, "/second")
            let all = try await project.run(["logs", "--env", "dev"], ["VERSION": "2"])
            #expect(all.status == 0, "\(all.stderr)")
            let lines = all.stdout.split(separator: "\n").map(String.init)
            #expect(lines.contains("web    | request /first"), "\(all.stdout)")
            #expect(lines.contains("worker | request /second"), "\(all.stdout)")
            #expect(lines.contains { $0.hasPrefix("web    | ==> crank: web r2 started at ") })
            // Deployment by deployment: every web line comes before the first worker line.
            #expect(lines.lastIndex { $0.hasPrefix("web ") }! < lines.firstIndex { $0.hasPrefix("worker ") }!)
            let tail = try await project.run(["logs", "--env", "dev", "web", "--tail", "1"], ["VERSION": "2"])
            #expect(tail.stdout == "web | request /first\n", "\(tail.stdout)")
            let old = try await project.run(["logs", "--env", "dev", "web", "--release", "r1", "--tail", "all"], ["VERSION": "2"])
            #expect(old.stdout.contains("web | ==> crank: web r1 started") && !old.stdout.contains("r2 started") && !old.stdout.contains("/first"), "\(old.stdout)")
            let missing = try await project.run(["logs", "--env", "dev", "web", "--release", "r9"], ["VERSION": "2"])
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("error: no output of web from release r9 is kept") && missing.stderr.contains("kept: r1, r2"), "\(missing.stderr)")
            let json = try await project.run(["logs", "--env", "dev", "worker", "--tail", "1", "--json"], ["VERSION": "2"])
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            #expect(parsed.count == 1 && parsed[0]["deployment"] as? String == "worker" && parsed[0]["line"] as? String == "request /second")
            let since = try await project.run(["logs", "--env", "dev", "--since", "10m"], ["VERSION": "2"])
            #expect(since.status == 1 && since.stderr.contains("--since cannot apply"), "\(since.stderr)")

            let env = ["API_TOKEN": project.token, "VERSION": "2"]
            // Followed until `crank stop` stops the process.
            let follow = try BackgroundCrank(["logs", "--env", "dev", "web", "--follow", "--tail", "0", "-C", project.tree.root], environment: env)
            try await Task.sleep(nanoseconds: 500_000_000)
            request(project.web, "/while-following")
            #expect(follow.wait(for: "web | request /while-following", timeout: 10), "\(follow.stdout)\(follow.stderr)")
            #expect(follow.process.isRunning)
            #expect(try await project.run(["stop", "--env", "dev", "web"], ["VERSION": "2"]).status == 0)
            #expect(follow.exitStatus(within: 10) == 0, "\(follow.stderr)")
            // Ctrl-C: exit 0, nothing on stderr.
            let interrupted = try BackgroundCrank(["logs", "--env", "dev", "worker", "-f", "--json", "-C", project.tree.root], environment: env)
            #expect(interrupted.wait(for: #""line":"request /second""#, timeout: 10), "\(interrupted.stdout)")
            // With --follow, --json is one object per line (NDJSON).
            let objects = interrupted.stdout.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(!objects.isEmpty && objects.allSatisfy { $0?["deployment"] as? String == "worker" }, "\(interrupted.stdout)")
            kill(interrupted.process.processIdentifier, SIGINT)
            #expect(interrupted.exitStatus(within: 10) == 0)
            #expect(interrupted.stderr.isEmpty, "\(interrupted.stderr)")
        }
    }
}

extension DeployProject {
    /// `crank exec --env dev -C ROOT DEPLOYMENT -- COMMAND…` (crank's options before `--`).
    func exec(_ deployment: String, _ command: [String]) async throws -> ProcessOutput {
        let arguments = ["exec", "--env", "dev", "-C", tree.root, deployment, "--"] + command
        let token = token
        return try await ProcessRunner.offPool { try ProcessRunner.crank(arguments, environment: ["API_TOKEN": token]) }
    }
}
