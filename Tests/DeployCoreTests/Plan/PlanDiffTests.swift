import Testing
@testable import DeployCore

@Suite("crank plan: desired against live")
struct PlanDiffTests {
    func service(_ name: String, port: Int = 8080, env: [String: String] = [:], secret: String = "aaaa") -> RenderedDeployment {
        RenderedDeployment(name: name, kind: .python, role: .service, target: .local, spec: [
            "argv": .array([.string("python3"), .string("\(name).py")]), "port": .int(port),
            "env": .object(env.mapValues(JSONValue.string)),
            "secret_fingerprints": .object(["TOKEN": .string(secret)]), "version": .string("git-1"),
        ])
    }

    @Test("nothing live: every deployment is a create")
    func allCreate() {
        let diff = PlanDiff.compute(environment: "dev", desired: [service("a"), service("b")], live: nil)
        #expect(diff.deployments.map(\.action) == [.create, .create])
        #expect(diff.liveRelease == nil)
        #expect(diff.hasChanges)
    }

    @Test("create, update with field changes, delete and unchanged")
    func everyKind() {
        let live = [service("same"), service("changed", port: 8080, env: ["A": "1"]), service("gone")]
        let desired = [service("same"), service("changed", port: 9090, env: ["A": "2", "B": "x"]), service("new")]
        let diff = PlanDiff.compute(environment: "dev", desired: desired, live: (id: "r4", deployments: live))
        #expect(diff.deployments.map(\.name) == ["same", "changed", "new", "gone"])
        #expect(diff.deployments.map(\.action) == [.unchanged, .update, .create, .delete])
        #expect(diff.deployments[1].changes == [
            PlanDiff.FieldChange(field: "env.A", from: .string("1"), to: .string("2")),
            PlanDiff.FieldChange(field: "env.B", from: .null, to: .string("x")),
            PlanDiff.FieldChange(field: "port", from: .int(8080), to: .int(9090)),
        ])
        #expect(diff.liveRelease == "r4")
    }

    @Test("a changed secret shows as changed, never its value or fingerprint")
    func secretChange() {
        let diff = PlanDiff.compute(environment: "dev", desired: [service("a", secret: "new-fingerprint")],
                                    live: (id: "r1", deployments: [service("a", secret: "old-fingerprint")]))
        #expect(diff.deployments[0].changes == [PlanDiff.FieldChange(field: "secret TOKEN", from: .string("(set)"), to: .string("(changed)"))])
    }

    @Test("no changes: hasChanges is false")
    func noChanges() {
        #expect(!PlanDiff.compute(environment: "dev", desired: [service("a")], live: (id: "r1", deployments: [service("a")])).hasChanges)
    }
}
