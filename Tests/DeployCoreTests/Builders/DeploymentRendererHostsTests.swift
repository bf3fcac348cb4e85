import Testing
@testable import DeployCore

@Suite("the rendered spec of a deployment on hosts")
struct DeploymentRendererHostsTests {
    @Test("without hosts the rendered specs are unchanged: their hashes match the ones before hosts existed")
    func unchangedWithoutHosts() throws {
        let expected = [
            "prod api": "8637e03e85cd9cba0bca1ed272998690a19b4ae1216d15ea95eae5317733baab",
            "prod worker": "d89311aa9d5a11ea1660d31fb8f9938a19d89bd0a76e367946f1d65f563a1a4f",
            "prod ingest-daily": "85b4797e210144c87ea77e9a3d5fc4b49a75bee127e5e3ced58d62d50342cddc",
            "staging api": "6b9870420300b182b2da925e9fb6c304099ec893cdf5588c846f5bf294e621a4",
            "staging worker": "dde7276ad9ba9f2e7693fae9db67e2f9e9ec73ec0ef7f54d5d250d35c315c65b",
        ]
        var hashes: [String: String] = [:]
        for env in ["prod", "staging"] {
            for rendered in try DeploymentRenderer(inputs: try BuilderFixture().inputs(env: env)).render() {
                #expect(rendered.spec["hosts"] == nil)
                // A Prefect flow's pull step holds the (temporary) project root, so its hash varies per run.
                if env == "staging" && rendered.role == .flow { continue }
                hashes["\(env) \(rendered.name)"] = rendered.specHash
            }
        }
        #expect(hashes == expected)
    }

    @Test("with hosts each deployment's spec lists its hosts in order; port and user only when set")
    func hostsInSpec() throws {
        let fixture = try BuilderFixture(hostsProject, files: [
            "deployment/environments/prod.yaml": hostsOverlay,
            "keys/id_ed25519": "k\n", "deployment/known_hosts": "",
        ])
        let rendered = try DeploymentRenderer(inputs: try fixture.inputs(env: "prod")).render()
        let api = try #require(rendered.first { $0.name == "api" })
        #expect(api.spec["hosts"] == .array([
            .object(["name": .string("web-1"), "address": .string("10.0.0.11"), "root": .string("crank/demo")]),
            .object(["name": .string("web-2"), "address": .string("10.0.0.12"), "port": .int(2222), "user": .string("deploy"), "root": .string("crank/demo")]),
        ]))
        let ocr = try #require(rendered.first { $0.name == "ocr" })
        #expect(ocr.spec["hosts"] == .array([.object(["name": .string("gpu-1"), "address": .string("10.0.0.21"), "root": .string("/srv/rpa")])]))
        let dev = try DeploymentRenderer(inputs: try fixture.inputs(env: "dev")).render()
        #expect(dev.allSatisfy { $0.spec["hosts"] == nil })
    }

    @Test("moving a deployment to another host changes its spec hash")
    func placementChangesHash() throws {
        func apiHash(_ overlay: String) throws -> String? {
            let fixture = try BuilderFixture(hostsProject, files: [
                "deployment/environments/prod.yaml": overlay, "keys/id_ed25519": "k\n", "deployment/known_hosts": "",
            ])
            return try DeploymentRenderer(inputs: try fixture.inputs(env: "prod")).render().first { $0.name == "api" }?.specHash
        }
        #expect(try apiHash(hostsOverlay) != apiHash("deployments:\n  api: {hosts: [web-1]}\n  ocr: {hosts: [gpu-1]}\n"))
    }
}
