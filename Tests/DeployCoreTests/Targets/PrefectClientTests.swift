import CrankTestSupport
import Foundation
import Testing
@testable import DeployCore

/// Against a real Prefect server (started once per test run).
@Suite("Prefect REST client")
struct PrefectClientTests {
    @Test("ensureFlow is idempotent; a deployment upserted with every field reads back the same")
    func flowAndDeployment() async throws {
        try await PrefectServer.exclusively {
            let client = PrefectClient(apiURL: try await PrefectServer.shared.apiURL())
            let flowID = try await client.ensureFlow(named: "crank-client-test")
            #expect(try await client.ensureFlow(named: "crank-client-test") == flowID)
            let body: [String: JSONValue] = [
                "flow_id": .string(flowID), "name": .string("nightly"), "entrypoint": .string("flows/etl.py:etl"),
                "parameters": .object(["limit": .int(5)]), "tags": .array([.string("crank"), .string("crank-env:test")]),
                "version": .string("git-0123456789ab"), "description": .string("from crank"),
            ]
            let first = try await client.upsertDeployment(body)
            var changed = body
            changed["parameters"] = .object(["limit": .int(7)])
            #expect(try await client.upsertDeployment(changed) == first)
            guard case .object(let read)? = try await client.deployment(flow: "crank-client-test", name: "nightly") else {
                throw TestFailure("deployment not found")
            }
            #expect(read["entrypoint"] == .string("flows/etl.py:etl"))
            #expect(read["parameters"] == .object(["limit": .int(7)]))
            #expect(read["version"] == .string("git-0123456789ab"))
            #expect(try await client.deployment(flow: "crank-client-test", name: "absent") == nil)
        }
    }

    @Test("an unknown work pool is a 404 with the server's detail; an unreachable server is unreachable")
    func errors() async throws {
        try await PrefectServer.exclusively {
            let client = PrefectClient(apiURL: try await PrefectServer.shared.apiURL())
            let flowID = try await client.ensureFlow(named: "crank-client-errors")
            await #expect(throws: PrefectClient.Failure.status(404, detail: "Work pool \"no-such-pool\" not found.")) {
                _ = try await client.upsertDeployment(["flow_id": .string(flowID), "name": .string("x"), "work_pool_name": .string("no-such-pool")])
            }
            let port = try PrefectServer.freePort()
            let nowhere = PrefectClient(apiURL: URL(string: "http://127.0.0.1:\(port)/api")!)
            do {
                _ = try await nowhere.ensureFlow(named: "x")
                Issue.record("expected an unreachable server")
            } catch let error as PrefectClient.Failure {
                #expect(error.isUnreachable, "\(error)")
            }
        }
    }
}
