import Foundation
import Testing
@testable import DeployCore

@Suite("reload planning, payload and typed results")
struct ReloadPlannerTests {
    func service(_ name: String, env: [String: String], argv: [String] = ["python3", "w.py"], version: String = "git-aaa", reload: ReloadSettings? = nil) -> RenderedDeployment {
        var spec: [String: JSONValue] = ["argv": .array(argv.map(JSONValue.string)), "env": .object(env.mapValues(JSONValue.string)),
                                         "port": .int(9001), "version": .string(version), "secrets": .array([.string("API_TOKEN")])]
        if let reload { spec["reload"] = reload.json }
        return RenderedDeployment(name: name, kind: .python, role: .service, target: .local, spec: spec)
    }

    let http = ReloadSettings(method: .http(method: "POST", path: "/admin/config"), timeout: 2)

    @Test("an env-only change becomes the live spec with the new env; the running code's version is kept")
    func envOnly() throws {
        let live = [service("a", env: ["GREETING": "hi", "OLD": "1"], reload: http), service("b", env: ["GREETING": "hi"])]
        let desired = [service("a", env: ["GREETING": "hello"], version: "git-bbb", reload: http), service("b", env: ["GREETING": "hello"], version: "git-bbb")]
        let steps = try ReloadPlanner.plan(live: live, desired: desired, names: [])
        #expect(steps.map(\.running.name) == ["a", "b"])
        #expect(steps[0].changed == ["GREETING", "OLD"])
        #expect(steps[0].updated.spec["env"] == .object(["GREETING": .string("hello")]))
        #expect(steps[0].updated.spec["version"] == .string("git-aaa"))
        #expect(steps[0].method == "http POST /admin/config")
        #expect(steps[1].settings == nil)
        #expect(steps[1].method == "restart")
        #expect(try ReloadPlanner.plan(live: live, desired: desired, names: ["b"]).map(\.running.name) == ["b"])
    }

    @Test("a change beyond config, an unknown name, a flow or an undeployed deployment is refused")
    func refusals() throws {
        let live = [service("a", env: [:]), RenderedDeployment(name: "f", kind: .python, role: .flow, target: .local, spec: [:])]
        #expect(throws: ReloadFailure.beyondConfig(deployment: "a", fields: ["argv"])) {
            try ReloadPlanner.plan(live: live, desired: [service("a", env: [:], argv: ["python3", "new.py"])], names: [])
        }
        #expect(throws: ReloadFailure.unknownDeployment("zz", known: ["a"])) { try ReloadPlanner.plan(live: live, desired: [], names: ["zz"]) }
        #expect(throws: ReloadFailure.self) { try ReloadPlanner.plan(live: live, desired: [], names: ["f"]) }
        #expect(throws: ReloadFailure.self) { try ReloadPlanner.plan(live: live, desired: [service("new", env: [:])], names: ["new"]) }
    }

    @Test("the payload carries env without secret values: secrets by name, secret-built values left out")
    func payload() {
        let deployment = service("a", env: ["GREETING": "hello", "DB_URL": "postgres://u:[redacted:API_TOKEN]@db"])
        let text = ReloadPayload.text(ReloadPayload.json(deployment: deployment, environment: "dev", release: "r3", previous: "r2", changed: ["GREETING"]))
        #expect(!text.contains("redacted"))
        #expect(!text.contains("postgres"))
        let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(object?["release"] as? String == "r3")
        #expect(object?["previous_release"] as? String == "r2")
        #expect(object?["env"] as? [String: String] == ["GREETING": "hello"])
        #expect(object?["env_from_secrets"] as? [String] == ["DB_URL"])
        #expect(object?["secrets"] as? [String] == ["API_TOKEN"])
        #expect(object?["changed"] as? [String] == ["GREETING"])
    }

    @Test("each outcome encodes as its own typed JSON and decodes back")
    func outcomes() throws {
        let instances = [
            InstanceReload(deployment: "a", instance: "pid 1", method: "http POST /c", outcome: .applied(detail: "{\"ok\":true}")),
            InstanceReload(deployment: "b", instance: "pid 2", method: "signal HUP", outcome: .timedOut(after: 1.5)),
            InstanceReload(deployment: "c", instance: "pid 3", method: "http POST /c", outcome: .rejected(status: 422, body: "bad")),
            InstanceReload(deployment: "d", instance: "not running", method: "signal HUP", outcome: .unreachable(reason: "not running")),
        ]
        let data = try JSONEncoder().encode(instances)
        #expect(try JSONDecoder().decode([InstanceReload].self, from: data) == instances)
        let objects = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(objects.map { $0["outcome"] as? String } == ["applied", "timed-out", "rejected", "unreachable"])
        #expect(objects[2]["status"] as? Int == 422)
        #expect(objects[1]["seconds"] as? Double == 1.5)
        #expect(ReloadOutcome.timedOut(after: 1.5).summary == "timed out after 1.5s")
        #expect(ReloadOutcome.rejected(status: 422, body: "bad").summary == "rejected (HTTP 422): bad")
        #expect(ReloadOutcome.excerpt(String(repeating: "x", count: 300)).count == 201)
    }

    @Test("a signal's acknowledgement counts only for this release; an error in it is a rejection")
    func acknowledgement() throws {
        let folder = NSTemporaryDirectory() + "ack-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/w.config-applied"
        #expect(LocalReloadDelivery.acknowledgement(in: file, release: "r3") == nil)
        try "r2\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(LocalReloadDelivery.acknowledgement(in: file, release: "r3") == nil)
        try "r3\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(LocalReloadDelivery.acknowledgement(in: file, release: "r3") == .applied(detail: nil))
        try #"{"release": "r3", "error": "POLL_SECONDS must be positive"}"#.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(LocalReloadDelivery.acknowledgement(in: file, release: "r3") == .rejected(status: nil, body: "POLL_SECONDS must be positive"))
    }

    @Test("the host's answer to a signal becomes a typed outcome; the history names each instance")
    func hostSignalAnswers() {
        func outcome(_ stdout: String, status: Int32 = 0, timedOut: Bool = false) -> ReloadOutcome {
            HostReleaseEngine.signalOutcome(CommandResult(status: status, stdout: stdout, stderr: "ssh: connect refused", timedOut: timedOut),
                                            signal: .HUP, release: "r3", timeout: 2, host: "host-1")
        }
        #expect(outcome("ack r3\n") == .applied(detail: nil))
        #expect(outcome(#"ack {"release": "r3", "error": "bad value"}"#) == .rejected(status: nil, body: "bad value"))
        #expect(outcome("timeout\n") == .timedOut(after: 2))
        #expect(outcome("exited") == .unreachable(reason: "the process exited on SIGHUP (does it handle the signal?)"))
        #expect(outcome("not-running") == .unreachable(reason: "the process is not running on host-1"))
        #expect(outcome("", status: 255) == .unreachable(reason: "host-1: ssh: connect refused"))
        let results = [InstanceReload(deployment: "web", instance: "host-1 pid 4", method: "signal HUP", outcome: .applied(detail: "{long body}")),
                       InstanceReload(deployment: "web", instance: "pid 5", method: "http POST /c", outcome: .timedOut(after: 1))]
        #expect(ReloadOptions.reason("why", results) == "config reload: why (web@host-1 applied; web timed out after 1s)")
    }
}
