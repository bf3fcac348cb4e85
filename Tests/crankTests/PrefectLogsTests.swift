import CrankTestSupport
import DeployCore
import Foundation
import Testing

/// `crank logs` of flow deployments against the real Prefect server: flow runs and their log
/// records are made through the API (a worker would add ~10 s per run and prove nothing more).
@Suite("crank logs on the Prefect target (real server)")
struct PrefectLogsTests {
    @Test("logs of the deployment's flow runs: prefix, time, run name and level; --release, --since, --json; --follow ends once paused with no run going")
    func flowRunLogs() async throws {
        try await PrefectServer.exclusively {
            let project = try await PrefectProject()
            #expect(try await project.crank(["deploy", "--env", "staging", "--create-pools"]).status == 0)
            let id = try #require(string(try await project.deployment("hello")?["id"]))
            let run = try await project.client.createFlowRun(deployment: id, parameters: [:], tags: [])
            guard case .object(let details) = try await project.client.flowRun(id: run), let name = string(details["name"]) else {
                throw TestFailure("flow run \(run) has no name")
            }
            func log(_ message: String) async throws {
                let body = #"[{"name": "prefect.flow_runs", "level": 20, "message": "\#(message)", "timestamp": "\#(PrefectClient.timestamp(Date()))", "flow_run_id": "\#(run)"}]"#
                let (status, _) = try await project.request("POST", "logs/", body: body)
                #expect(status == 201)
            }
            try await log("first line")

            let logs = try await project.crank(["logs", "--env", "staging", "hello"])
            #expect(logs.status == 0, "\(logs.stderr)")
            let line = try #require(logs.stdout.split(separator: "\n").first { $0.hasSuffix("\(name) INFO first line") }, "\(logs.stdout)")
            #expect(line.hasPrefix("hello | 20"), "\(line)")
            let json = try await project.crank(["logs", "--env", "staging", "hello", "--release", "r1", "--since", "1h", "--json"])
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]], "\(json.stderr)")
            #expect(parsed.map { $0["line"] as? String } == ["\(name) INFO first line"])
            #expect(parsed.first?["time"] is String)
            let future = try await project.crank(["logs", "--env", "staging", "hello", "--since", "2099-01-01T00:00:00Z"])
            #expect(future.status == 0 && future.stdout.isEmpty, "\(future.stdout)")
            let other = try await project.crank(["logs", "--env", "staging", "hello", "--release", "r9"])
            #expect(other.status == 1 && other.stderr.contains("kept: r1"), "\(other.stderr)")

            let follow = try BackgroundCrank(["logs", "--env", "staging", "hello", "--follow", "--tail", "0", "-C", project.tree.root],
                                             environment: ["GREET_TOKEN": project.token])
            try await Task.sleep(nanoseconds: 1_500_000_000)
            try await log("while following")
            #expect(follow.wait(for: "\(name) INFO while following", timeout: 20), "\(follow.stdout)\(follow.stderr)")
            #expect(follow.process.isRunning)
            let (cancelled, _) = try await project.request("POST", "flow_runs/\(run)/set_state", body: #"{"state": {"type": "CANCELLED"}, "force": true}"#)
            #expect(cancelled == 201 || cancelled == 200)
            #expect(try await project.crank(["stop", "--env", "staging", "hello"]).status == 0)
            #expect(follow.exitStatus(within: 20) == 0, "\(follow.stderr)")
        }
    }
}
