import CrankTestSupport
import Foundation
import Testing

/// A local project whose hooks are one Python script: it prints the deployment's secret (which
/// crank must redact), leaves a mark `<name>-<release>` holding its working directory, and
/// fails (exit 3) or hangs (with a child in its process group) when `<name>.mode` says so.
final class HookProject: @unchecked Sendable {
    static let hook = """
        import os, pathlib, subprocess, sys, time
        name, marks = sys.argv[1], pathlib.Path(sys.argv[2])
        release = os.environ.get("CRANK_RELEASE", "?")
        print(f"{name} hook of {release} token={os.environ.get('API_TOKEN', '')}", flush=True)
        (marks / f"{name}-{release}").write_text(os.getcwd())
        mode_file = marks / f"{name}.mode"
        mode = mode_file.read_text().strip() if mode_file.exists() else "ok"
        if mode == "fail":
            print("migration failed: table exists", file=sys.stderr, flush=True)
            sys.exit(3)
        if mode == "hang":
            child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
            (marks / "child.pid").write_text(str(child.pid))
            time.sleep(600)
        """

    let tree: TemporaryTree
    let marks: TemporaryTree
    let port: Int
    let token = "tok-\(UUID().uuidString)"

    init() throws {
        port = try PrefectServer.freePort()
        marks = try TemporaryTree()
        let m = marks.root
        tree = try TemporaryTree([
            "service.py": DeployProject.service,
            "hook.py": Self.hook,
            "crank.yaml": """
                project: h
                deployments:
                  web:
                    command: [python3, service.py]
                    port: \(port)
                    env: {PORT: "\(port)", VERSION: "${VERSION:-1}"}
                    health: {path: /health, timeout: 10}
                    secrets: [API_TOKEN]
                    hooks:
                      post_deploy: [{run: [python3, hook.py, web-post, \(m)]}]
                environments:
                  dev:
                    target: local
                    hooks:
                      pre_deploy: [{run: [python3, hook.py, pre, \(m)], timeout: "${PRE_TIMEOUT:-60s}", on: web}]
                      post_deploy: [{run: [python3, hook.py, post, \(m)], on: web}]
                      pre_rollback: [{run: [python3, hook.py, pre-rollback, \(m)], on: web}]
                      post_rollback: [{run: [python3, hook.py, post-rollback, \(m)], on: web}]
                """,
        ])
    }

    func crank(_ arguments: [String], _ environment: [String: String] = [:]) throws -> ProcessOutput {
        var env = ["API_TOKEN": token]
        env.merge(environment) { _, new in new }
        let output = try ProcessRunner.crank(arguments + ["-C", tree.root], environment: env)
        #expect(!(output.stdout + output.stderr).contains(token), "crank \(arguments) printed the secret")
        return output
    }

    func mode(_ hook: String, _ mode: String?) throws {
        if let mode { try marks.write("\(hook).mode", mode) } else { try? FileManager.default.removeItem(atPath: marks.path("\(hook).mode")) }
    }

    /// The working directory hook `name` had in `release`, if it ran.
    func mark(_ name: String, _ release: String) -> String? {
        try? String(contentsOfFile: marks.path("\(name)-\(release)"), encoding: .utf8)
    }

    func version() -> String? {
        let answer = RawHTTP.get(port: port, timeout: 5)
        guard answer.status == 200, let body = answer.body, let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else { return nil }
        return object["version"] as? String
    }

    func history() throws -> [[String: Any]] {
        let output = try crank(["history", "--env", "dev", "--json"])
        return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]])
    }

    /// `[phase, outcome, exit status, release]` of each hook a release recorded.
    func hooks(_ release: [String: Any]) -> [[String]] {
        ((release["hooks"] as? [[String: Any]]) ?? []).map { hook in
            [hook["phase"] as? String ?? "", hook["outcome"] as? String ?? "", (hook["exit_status"] as? Int).map(String.init) ?? "-", hook["release"] as? String ?? ""]
        }
    }

    func auditEntries() throws -> [[String: Any]] {
        let text = try String(contentsOfFile: tree.path(".crank/state/dev/audit.jsonl"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// Every file crank keeps (state, logs, builds, records): none may hold the secret.
    func expectSecretNowhere() {
        let files = FileManager.default.enumerator(atPath: tree.path(".crank"))?.allObjects as? [String] ?? []
        for file in files where !file.hasPrefix("releases/") {
            let text = (try? String(contentsOfFile: tree.path(".crank/\(file)"), encoding: .utf8)) ?? ""
            #expect(!text.contains(token), "the secret is in .crank/\(file)")
        }
    }

    func cleanUp() {
        _ = try? crank(["clean", "--env", "dev", "--yes"])
    }
}

/// A process that is gone (or a zombie nobody reaped yet).
func processIsGone(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
    return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
}

extension RealProcessSuites {
    @Suite("hooks on the local target (real processes)", .serialized)
    struct HookDeployTests {
        @Test("plan lists the hooks; a failing pre_deploy migration aborts before anything changes; output (secret redacted) in the release's log, exit status and duration in history and the audit log")
        func preDeployFailure() throws {
            let project = try HookProject()
            defer { project.cleanUp() }
            let plan = try project.crank(["plan", "--env", "dev", "--json"])
            let planned = try #require(try plan.jsonObject()["hooks"] as? [[String: Any]])
            #expect(planned.map { "\($0["phase"]!) \($0["on"] as? String ?? "-") \($0["scope"]!)" } == ["pre_deploy web environment", "post_deploy web environment", "post_deploy web deployment"])
            let dryRun = try project.crank(["deploy", "--env", "dev", "--dry-run"])
            #expect(dryRun.stdout.contains("pre_deploy  python3 hook.py pre \(project.marks.root)  (on web, timeout 60s)"), "\(dryRun.stdout)")
            #expect(project.mark("pre", "r1") == nil, "a dry run ran a hook")

            let first = try project.crank(["deploy", "--env", "dev"])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(project.mark("pre", "r1") == project.tree.path(".crank/releases/dev/r1"), "pre_deploy runs in the release's directory")
            #expect(project.mark("post", "r1") != nil && project.mark("web-post", "r1") != nil)
            let live = try project.history()
            #expect(project.hooks(live[0]) == [["pre_deploy", "ok", "0", "r1"], ["post_deploy", "ok", "0", "r1"], ["post_deploy", "ok", "0", "r1"]])
            #expect(((live[0]["hooks"] as? [[String: Any]])?.first?["duration_ms"] as? Int).map { $0 >= 0 } == true)
            let pid = try #require(try project.crank(["status", "--env", "dev", "--json"]).jsonObject()["deployments"] as? [[String: Any]]).first?["pid"] as? Int

            try project.mode("pre", "fail")
            let failed = try project.crank(["deploy", "--env", "dev", "--json"], ["VERSION": "2"])
            #expect(failed.status == 1)
            let failure = try #require(try failed.jsonObject()["failure"] as? [String: String])
            #expect(failure["check"] == "pre_deploy hook" && failure["deployment"] == "web", "\(failure)")
            #expect(failure["observed"]?.contains("exited 3: migration failed: table exists") == true, "\(failure)")
            // Nothing changed: the same process serves release r1, no post_deploy hook ran.
            #expect(project.version() == "1")
            let after = try #require(try project.crank(["status", "--env", "dev", "--json"]).jsonObject()["deployments"] as? [[String: Any]])
            #expect(after.first?["pid"] as? Int == pid)
            #expect(project.mark("post", "r2") == nil)
            let history = try project.history()
            #expect(history.map { $0["status"] as? String } == ["failed", "live"])
            #expect(project.hooks(history[0]) == [["pre_deploy", "failed", "3", "r2"]])
            #expect((history[0]["failure"] as? [String: String])?["check"] == "pre_deploy hook")
            // The release's log has the hook's output, the secret redacted.
            let log = try String(contentsOfFile: project.tree.path(".crank/state/dev/releases/r2.log"), encoding: .utf8)
            #expect(log.contains("pre hook of r2 token=[redacted:API_TOKEN]") && log.contains("migration failed: table exists"), "\(log)")
            #expect(log.contains("== failed, exit 3 after"))
            let audit = try project.auditEntries().last { $0["command"] as? String == "deploy" }
            let audited = try #require(audit?["hooks"] as? [[String: Any]])
            #expect(audited.map { "\($0["phase"]!) \($0["exit_status"]!)" } == ["pre_deploy 3"])
            #expect(audited.first?["duration_ms"] is Int)
            project.expectSecretNowhere()
        }

        @Test("a failing post_deploy fails the release and rolls back (running the restored release's rollback hooks); with --no-rollback it stays")
        func postDeployRollsBack() throws {
            let project = try HookProject()
            defer { project.cleanUp() }
            #expect(try project.crank(["deploy", "--env", "dev"]).status == 0)
            try project.mode("post", "fail")
            let failed = try project.crank(["deploy", "--env", "dev"], ["VERSION": "2"])
            #expect(failed.status == 1)
            #expect(failed.stderr.contains("error: release r2 failed: post_deploy hook `python3 hook.py post \(project.marks.root)` exited 3: migration failed: table exists (on web), wanted exit 0 within 300s"), "\(failed.stderr)")
            #expect(failed.stderr.contains("the previous release was restored"))
            #expect(project.version() == "1")
            let history = try project.history()
            #expect(history.map { $0["status"] as? String } == ["failed", "live"])
            // r2's pre_deploy and env post_deploy ran; then r1's rollback hooks, with r1's code.
            #expect(project.hooks(history[0]) == [["pre_deploy", "ok", "0", "r2"], ["post_deploy", "failed", "3", "r2"],
                                                  ["pre_rollback", "ok", "0", "r1"], ["post_rollback", "ok", "0", "r1"]])
            #expect(project.mark("pre-rollback", "r1") == project.tree.path(".crank/releases/dev/r1"))

            let kept = try project.crank(["deploy", "--env", "dev", "--no-rollback"], ["VERSION": "3"])
            #expect(kept.status == 1)
            #expect(project.version() == "3")
            #expect(project.hooks(try project.history()[0]).map { $0[0] } == ["pre_deploy", "post_deploy"])
        }

        @Test("a hook that hangs past its timeout is killed with its whole process group and fails the deploy before anything starts")
        func hangingHook() throws {
            let project = try HookProject()
            defer { project.cleanUp() }
            try project.mode("pre", "hang")
            let started = Date()
            let failed = try project.crank(["deploy", "--env", "dev", "--json"], ["PRE_TIMEOUT": "2s"])
            #expect(failed.status == 1)
            #expect(Date().timeIntervalSince(started) < 30)
            let failure = try #require(try failed.jsonObject()["failure"] as? [String: String])
            #expect(failure["observed"]?.contains("timed out after 2s (killed)") == true, "\(failure)")
            #expect(failure["threshold"] == "exit 0 within 2s")
            let child = try #require(Int32(try String(contentsOfFile: project.marks.path("child.pid"), encoding: .utf8)))
            #expect(processIsGone(child), "the hook's child \(child) still runs")
            #expect(project.version() == nil, "the service started although pre_deploy failed")
            #expect(project.hooks(try project.history()[0]) == [["pre_deploy", "timed-out", "-", "r1"]])
        }

        @Test("crank rollback runs the restored release's pre_rollback (a failure refuses, nothing changes) and post_rollback hooks")
        func manualRollback() throws {
            let project = try HookProject()
            defer { project.cleanUp() }
            #expect(try project.crank(["deploy", "--env", "dev"]).status == 0)
            #expect(try project.crank(["deploy", "--env", "dev"], ["VERSION": "2"]).status == 0)
            try project.mode("pre-rollback", "fail")
            let refused = try project.crank(["rollback", "--env", "dev"])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("pre_rollback hook"), "\(refused.stderr)")
            #expect(project.version() == "2")
            try project.mode("pre-rollback", nil)
            let back = try project.crank(["rollback", "--env", "dev", "--json"])
            #expect(back.status == 0, "\(back.stderr)")
            #expect(project.version() == "1")
            #expect(project.mark("post-rollback", "r1") == project.tree.path(".crank/releases/dev/r1"))
            let runs = try #require(try back.jsonObject()["hooks"] as? [[String: Any]])
            #expect(runs.map { "\($0["phase"]!) \($0["release"]!) \($0["outcome"]!)" } == ["pre_rollback r1 ok", "post_rollback r1 ok"])
            let audits = try project.auditEntries().filter { $0["command"] as? String == "rollback" }
            #expect(audits.map { ($0["hooks"] as? [[String: Any]])?.count ?? 0 } == [1, 2])
        }
    }
}
