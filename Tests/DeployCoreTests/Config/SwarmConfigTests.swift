import Foundation
import Testing
@testable import DeployCore

/// A project whose `cluster` environment is a swarm; `dev` stays local.
let swarmProject = """
    project: demo
    environments:
      dev: {target: local}
      cluster:
        target: swarm
        swarm:
          docker_host: "unix:///tmp/crank-swarm/docker.sock"
          registry: ""
          publish: proxy
          update: {parallelism: 2, delay: 2s, order: start-first, monitor: 500ms}
    deployments:
      api: {command: [sh, -c, "httpd -f -p 8080"], port: 8080, secrets: [API_TOKEN]}
      worker: {command: [sh, -c, "sleep 1000"]}
    """

let swarmOverlay = """
    deployments:
      api: {kind: container, replicas: 3}
      worker: {kind: container, replicas: 2}
    """

func swarmFixture(_ yaml: String = swarmProject, overlay: String = swarmOverlay) throws -> ConfigFixture {
    try ConfigFixture(yaml, overlays: ["cluster": overlay], files: [".crank/secrets/cluster.env": "API_TOKEN=s3cret-value\n",
                                                                    ".crank/secrets/dev.env": "API_TOKEN=dev\n"])
}

@Suite("target: swarm settings")
struct SwarmConfigTests {
    func codesAndPaths(_ issues: [ConfigIssue]) -> [String] {
        issues.map { "\($0.code.rawValue) \($0.path)" }
    }

    @Test("swarm settings and per-deployment replicas decode to the typed spec")
    func decodes() throws {
        let (effective, issues) = try swarmFixture().load(env: "cluster")
        #expect(issues == [])
        let cluster = try #require(effective?.config.environment("cluster"))
        #expect(cluster.target == .swarm)
        var expected = SwarmSettings()
        expected.dockerHost = "unix:///tmp/crank-swarm/docker.sock"
        expected.publish = .proxy
        expected.update.parallelism = 2
        expected.update.delay = 2
        expected.update.order = .startFirst
        expected.update.monitor = 0.5
        #expect(cluster.swarm == expected)
        #expect(effective?.config.deployments.map(\.replicas) == [3, 2])
    }

    @Test("a valid swarm project has no issues; replicas in crank.yaml only warn in a local environment")
    func valid() throws {
        #expect(try swarmFixture().issues(env: "cluster") == [])
        let yaml = swarmProject.patched("port: 8080, secrets", with: "port: 8080, replicas: 2, secrets")
        let dev = try ConfigFixture(yaml, overlays: ["cluster": swarmOverlay], files: [".crank/secrets/dev.env": "API_TOKEN=dev\n"]).issues(env: "dev")
        #expect(dev.map(\.severity) == [.warning])
        #expect(codesAndPaths(dev) == ["target-mismatch deployments.api.replicas"])
    }

    @Test("unknown keys, wrong types and bad values are errors with file:line and a hint")
    func badValues() throws {
        let yaml = swarmProject
            .patched("publish: proxy", with: "publish: mesh\n      colour: blue")
            .patched("parallelism: 2, delay: 2s, order: start-first, monitor: 500ms", with: "parallelism: two, delay: soon, order: first, monitor: 2s")
        let issues = try swarmFixture(yaml, overlay: "deployments:\n  api: {kind: container, replicas: -1}\n  worker: {kind: container}\n")
            .issues(env: "cluster")
        #expect(codesAndPaths(issues).sorted() == [
            "invalid-value deployments.api.replicas",
            "invalid-value environments.cluster.swarm.publish",
            "invalid-value environments.cluster.swarm.update.delay",
            "invalid-value environments.cluster.swarm.update.order",
            "unknown-key environments.cluster.swarm.colour",
            "wrong-type environments.cluster.swarm.update.parallelism",
        ])
        #expect(issues.filter { $0.line == nil || ($0.hint ?? "").isEmpty }.map(\.path) == [])
        let publish = try #require(issues.first { $0.path == "environments.cluster.swarm.publish" })
        #expect(publish.line == 9)
        #expect(publish.hint?.contains("ingress, proxy, host") == true)
    }

    @Test("a swarm environment runs kind: container deployments only; swarm: needs target: swarm")
    func targetRules() throws {
        let python = try swarmFixture(overlay: "deployments:\n  api: {kind: container}\n").issues(env: "cluster")
        #expect(codesAndPaths(python) == ["target-mismatch deployments.worker.kind"])
        let yaml = swarmProject.patched("target: swarm", with: "target: container")
        let container = try swarmFixture(yaml).issues(env: "cluster")
        #expect(codesAndPaths(container).contains("target-mismatch environments.cluster.swarm"))
        let host = swarmProject.patched("unix:///tmp/crank-swarm/docker.sock", with: "/var/run/docker.sock")
        #expect(codesAndPaths(try swarmFixture(host).issues(env: "cluster")) == ["invalid-value environments.cluster.swarm.docker_host"])
    }

    @Test("the rendered spec carries replicas, publish mode and update settings, so plan shows them")
    func rendered() throws {
        let (effective, _) = try swarmFixture().load(env: "cluster")
        let config = try #require(effective)
        let recorded = RecordedEnvironment(project: "demo", spec: try #require(config.config.environment("cluster")))
        #expect(recorded.swarm?.publish == .proxy)
        #expect(recorded.spec.swarm == config.config.environment("cluster")?.swarm)
        let decoded = try FileStateStore.decoder.decode(RecordedEnvironment.self, from: FileStateStore.encoder.encode(recorded))
        #expect(decoded == recorded)
    }
}
