import Foundation
import Testing
@testable import DeployCore

@Suite("hooks: which a deploy runs, as plan data and as recorded in a manifest")
struct HookPlanTests {
    let migrate = Hook(phase: .preDeploy, run: ["python3", "manage.py", "migrate"], timeout: 60)
    let warm = Hook(phase: .postDeploy, run: ["python3", "warm.py"], deployment: "api", scope: .deployment)
    let check = Hook(phase: .preRollback, run: ["python3", "check.py"])

    func service(_ name: String, port: Int) -> RenderedDeployment {
        RenderedDeployment(name: name, kind: .python, role: .service, target: .local, spec: ["port": .int(port)])
    }

    @Test("a plan with changes lists the environment's deploy hooks and those of the changed deployments, in phase order")
    func planSelection() {
        let hooks = [warm, check, migrate]
        var diff = PlanDiff.compute(environment: "dev", desired: [service("api", port: 2), service("worker", port: 3)],
                                    live: (id: "r1", deployments: [service("api", port: 1), service("worker", port: 3)]))
        diff.addHooks(hooks)
        #expect(diff.hooks == [migrate, warm])
        var onlyWorker = PlanDiff.compute(environment: "dev", desired: [service("api", port: 1), service("worker", port: 4)],
                                          live: (id: "r1", deployments: [service("api", port: 1), service("worker", port: 3)]))
        onlyWorker.addHooks(hooks)
        #expect(onlyWorker.hooks == [migrate])
        var unchanged = PlanDiff.compute(environment: "dev", desired: [service("api", port: 1)], live: (id: "r1", deployments: [service("api", port: 1)]))
        unchanged.addHooks(hooks)
        #expect(unchanged.hooks == [])
    }

    @Test("plan --json names phase, argv, timeout, on and scope")
    func planJSON() throws {
        var diff = PlanDiff.compute(environment: "dev", desired: [service("api", port: 2)], live: nil)
        diff.addHooks([migrate, warm])
        let data = try JSONEncoder().encode(diff)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let hooks = try #require(object["hooks"] as? [[String: Any]])
        #expect(hooks.map { $0["phase"] as? String } == ["pre_deploy", "post_deploy"])
        #expect(hooks[0]["run"] as? [String] == ["python3", "manage.py", "migrate"])
        #expect(hooks[0]["timeout_seconds"] as? Double == 60)
        #expect(hooks[1]["on"] as? String == "api")
        #expect(hooks[1]["scope"] as? String == "deployment")
    }

    @Test("recorded hooks round-trip through the manifest, secret values redacted and filled back in by name")
    func recorded() {
        var environment = EnvironmentSpec(name: "dev", target: .local)
        environment.env = ["DB": "postgres://u:s3cr3t-pw@db/app"]
        environment.hooks = [Hook(phase: .preDeploy, run: ["migrate", "--password", "s3cr3t-pw"], timeout: 1.5)]
        var api = DeploymentSpec(name: "api")
        api.hooks = [warm]
        let redactor = Redactor(secrets: [("DB_PASSWORD", "s3cr3t-pw")])
        let hooks = Hook.recorded(environment: environment, deployments: [api], redactor: redactor)
        #expect(hooks.map(\.run) == [["migrate", "--password", "[redacted:DB_PASSWORD]"], ["python3", "warm.py"]])
        #expect(hooks[0].env == ["DB": "postgres://u:[redacted:DB_PASSWORD]@db/app"])
        let manifest = JSONValue.object(["hooks": .array(hooks.map(\.json))])
        #expect(Hook.recorded(in: manifest) == hooks)
        #expect(!JSONWriter.compactText(manifest).contains("s3cr3t-pw"))
        #expect(Hook.recorded(in: .object([:])) == [])
    }
}
