import Foundation
import Testing
@testable import DeployCore

@Suite("reload planning for the container target")
struct ContainerReloadPlanningTests {
    func container(_ name: String, env: [String: String], image: String = "localhost/p-web:git-aaa", base: String = "busybox:1",
                   reload: ReloadSettings? = nil) -> RenderedDeployment {
        var spec: [String: JSONValue] = ["argv": .array([.string("httpd")]), "env": .object(env.mapValues(JSONValue.string)), "port": .int(8080),
                                         "version": .string(String(image.split(separator: ":").last ?? "")), "image": .string(image),
                                         "base_image": .string(base)]
        if let reload { spec["reload"] = reload.json }
        return RenderedDeployment(name: name, kind: .container, role: .service, target: .container, spec: spec)
    }

    let http = ReloadSettings(method: .http(method: "POST", path: "/admin/config"), timeout: 2)

    @Test("the image built from a new revision is not a reason to refuse: the live image is kept, so the next deploy still builds")
    func imageKept() throws {
        let live = [container("web", env: ["GREETING": "hi"], reload: http)]
        let desired = [container("web", env: ["GREETING": "hello"], image: "localhost/p-web:git-bbb", reload: http)]
        let steps = try ReloadPlanner.plan(live: live, desired: desired, names: [])
        #expect(steps.map(\.changed) == [["GREETING"]])
        #expect(steps[0].updated.spec["image"] == .string("localhost/p-web:git-aaa"))
        #expect(steps[0].updated.spec["env"] == .object(["GREETING": .string("hello")]))
        // Nothing but config changed: the reload's spec hashes as the live one would with that env.
        var same = live[0]
        same.spec["env"] = .object(["GREETING": .string("hello")])
        #expect(steps[0].updated.specHash == same.specHash)
    }

    @Test("a new base image is more than config: refused")
    func baseImageRefused() {
        #expect(throws: ReloadFailure.beyondConfig(deployment: "web", fields: ["base_image"])) {
            try ReloadPlanner.plan(live: [container("web", env: [:])], desired: [container("web", env: [:], base: "busybox:2")], names: [])
        }
    }

    @Test("a signal reload does not reach a container: refused by name with the fix, before anything changes")
    func signalRefused() throws {
        let steps = try ReloadPlanner.plan(live: [container("web", env: [:], reload: http), container("hup", env: [:], reload: ReloadSettings(method: .signal(.HUP), timeout: 2))],
                                           desired: [], names: [])
        #expect(throws: Never.self) { try ContainerReleaseEngine.refuseSignals([steps[0]]) }
        do throws(ReloadFailure) {
            try ContainerReleaseEngine.refuseSignals(steps)
            Issue.record("a signal reload was accepted")
        } catch {
            guard case .notReloadable(let name, let reason) = error else { Issue.record("\(error)"); return }
            #expect(name == "hup")
            #expect(reason.contains("reload: {http:") && reason.contains("crank deploy"), "\(reason)")
        }
    }

    @Test("the config goes to the container's own published port: the blue-green color's, else the deployment's")
    func port() {
        let deployment = container("web", env: [:])
        let state = { (labels: [String: String]) in
            ContainerEngine.State(name: "p-web-r1", running: true, status: "running", exitCode: 0, restarts: 0, image: "", startedAt: "", labels: labels)
        }
        #expect(ContainerReleaseEngine.hostPort(of: state([ContainerReleaseEngine.upstreamLabel: "41234"]), deployment) == 41234)
        #expect(ContainerReleaseEngine.hostPort(of: state([:]), deployment) == 8080)
    }
}
