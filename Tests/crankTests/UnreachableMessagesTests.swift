import CrankTestSupport
import Foundation
import Testing

/// Messages name what failed in words: no Swift enum dump (`unreachable("…")`,
/// `host(DeployCore.HostFailure…)`) reaches a user.
enum EnumDump {
    /// A case name directly followed by its payload: `word("`, `word(label: `, `word(DeployCore.`.
    static func find(in text: String) -> String? {
        let pattern = #"[a-z][A-Za-z]*\((\"|[a-z][A-Za-z]*: |DeployCore\.)"#
        return text.range(of: pattern, options: .regularExpression).map { String(text[$0]) }
    }
}

@Suite("messages about an unreachable Prefect server (the built binary)")
struct UnreachableMessagesTests {
    @Test("history, status, smoke, lock and stop against a server nobody listens on say 'Prefect API unreachable', never unreachable(\"…\")")
    func prefectUnreachable() throws {
        let port = try PrefectServer.freePort()  // free: nothing listens there
        let tree = try TemporaryTree([
            "crank.yaml": """
                project: dump
                environments:
                  staging: {target: prefect, prefect: {api_url: "http://127.0.0.1:\(port)/api", work_pool: p}}
                deployments:
                  job: {flow: job}
                """,
            "flows/job.py": "from prefect import flow\n\n\n@flow\ndef job():\n    pass\n",
        ])
        for command in [["history"], ["status"], ["smoke", "--all"], ["lock", "status"], ["stop", "--all"], ["rollback"]] {
            let output = try ProcessRunner.crank(command + ["--env", "staging", "-C", tree.root])
            let text = output.stdout + output.stderr
            #expect(text.contains("Prefect API unreachable: http://127.0.0.1:\(port)/api"), "\(command): \(text)")
            #expect(EnumDump.find(in: text) == nil, "\(command): \(text)")
        }
    }

    @Test("the dump pattern catches what users saw before")
    func patternIsNotBlind() {
        #expect(EnumDump.find(in: #"cannot read the live release: unreachable("http://127.0.0.1:9/api: Failed")"#) == "unreachable(\"")
        #expect(EnumDump.find(in: "status: host(DeployCore.HostFailure.unreachable(host: \"a\"))") != nil)
        #expect(EnumDump.find(in: "worker  rollback  restored r1  cannotStart(\"x: not found on PATH\")") != nil)
        #expect(EnumDump.find(in: "error: Prefect API unreachable: http://x/api (after 0 ms: refused); see `curl <api_url>/health`") == nil)
    }
}
