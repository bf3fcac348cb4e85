import Foundation
import Testing
@testable import DeployCore

@Suite("Swarm services and stack files as data")
struct SwarmServiceTests {
    func web(_ extra: [String: JSONValue] = [:]) -> RenderedDeployment {
        var spec: [String: JSONValue] = [
            "image": .string("localhost/demo-web:git-abc"), "argv": .array([.string("httpd"), .string("-p"), .string("8080")]),
            "env": .object(["GREETING": .string("hi $USER")]), "port": .int(8080), "secrets": .array([.string("WEB_TOKEN")]),
            "secret_fingerprints": .object(["WEB_TOKEN": .string("0123456789abcdef")]), "restart": .string("on-failure"),
            "health": .object(["kind": .string("http"), "path": .string("/health"), "timeout": .int(12)]),
            "replicas": .int(3), "publish": .string("proxy"), "resources": .object(["memory": .string("64m")]),
            "update": .object(["parallelism": .int(1), "delay": .string("2s"), "order": .string("start-first"), "monitor": .string("500ms")]),
        ]
        spec.merge(extra) { _, new in new }
        return RenderedDeployment(name: "web", kind: .container, role: .service, target: .swarm, spec: spec)
    }

    @Test("a deployment becomes a service: secrets by content-named Docker secret, health, update settings, labels")
    func service() throws {
        let service = try SwarmService(web(), project: "demo", environment: "cluster", release: "r4")
        #expect(service.secrets.map(\.source) == ["demo-cluster-WEB_TOKEN-0123456789abcdef"])
        #expect(service.secrets.map(\.target) == ["WEB_TOKEN"])
        #expect(service.entrypoint?.first == "sh")
        #expect(service.command == ["httpd", "-p", "8080"])
        #expect(service.env.map(\.0) == ["CRANK_DEPLOYMENT", "CRANK_ENVIRONMENT", "GREETING"])
        #expect(service.replicas == 3 && service.publish == .proxy && service.restartCondition == "on-failure")
        #expect(service.update.order == .startFirst && service.update.monitor == 0.5)
        #expect(service.health?.startPeriod == "12s")
        #expect(service.health?.test.last?.contains("http://127.0.0.1:8080/health") == true)
        #expect(service.labels["crank.release"] == "r4" && service.labels["crank.spec"] == web().specHash)
        #expect(service.taskLabels["crank.release"] == nil && service.taskLabels["crank.task"] == service.taskHash)
    }

    @Test("replicas and the release change no task; the image, env or a secret's value do")
    func taskHash() throws {
        let base = try SwarmService(web(), project: "demo", environment: "cluster", release: "r1").taskHash
        #expect(try SwarmService(web(["replicas": .int(5)]), project: "demo", environment: "cluster", release: "r2").taskHash == base)
        #expect(try SwarmService(web(["image": .string("localhost/demo-web:git-def")]), project: "demo", environment: "cluster", release: "r1").taskHash != base)
        #expect(try SwarmService(web(["env": .object([:])]), project: "demo", environment: "cluster", release: "r1").taskHash != base)
        let rotated = web(["secret_fingerprints": .object(["WEB_TOKEN": .string("fedcba9876543210")])])
        #expect(try SwarmService(rotated, project: "demo", environment: "cluster", release: "r1").taskHash != base)
    }

    @Test("an env value holding a secret is refused: a service spec is readable by anyone with docker access")
    func secretInEnv() {
        #expect(throws: SwarmService.Failure.secretInEnv(deployment: "web", variable: "DSN", secret: "DB_PASSWORD")) {
            try SwarmService(web(["env": .object(["DSN": .string("postgres://u:[redacted:DB_PASSWORD]@db")])]), project: "demo", environment: "cluster", release: "r1")
        }
    }

    @Test("the stack file is deterministic, doubles $ and publishes per mode")
    func stackFile() throws {
        let proxy = try SwarmService(web(), project: "demo", environment: "cluster", release: "r1")
        let text = StackFile.render([proxy], project: "demo", environment: "cluster", release: "r1")
        #expect(text == StackFile.render([proxy], project: "demo", environment: "cluster", release: "r1"))
        #expect(text.contains("GREETING: \"hi $$USER\""))
        #expect(text.contains("demo-cluster-WEB_TOKEN-0123456789abcdef:\n    external: true"))
        #expect(text.contains("- target: 8080\n      protocol: \"tcp\"\n      mode: \"host\""))
        let host = try SwarmService(web(["publish": .string("host")]), project: "demo", environment: "cluster", release: "r1")
        #expect(StackFile.render([host], project: "demo", environment: "cluster", release: "r1").contains("published: 8080\n      protocol: \"tcp\"\n      mode: \"host\""))
        let ingress = try SwarmService(web(["publish": .string("ingress")]), project: "demo", environment: "cluster", release: "r1")
        #expect(StackFile.render([ingress], project: "demo", environment: "cluster", release: "r1").contains("mode: \"ingress\""))
    }

    @Test("durations read as Swarm writes them; the gate address follows docker_host")
    func durationsAndAddress() {
        #expect(ConfigDuration.seconds("2s") == 2 && ConfigDuration.seconds("500ms") == 0.5 && ConfigDuration.seconds("1m") == 60)
        #expect(ConfigDuration.seconds("soon") == nil && ConfigDuration.seconds("-1s") == nil)
        #expect(ConfigDuration.text(2) == "2s" && ConfigDuration.text(0.5) == "500ms")
        #expect(SwarmReleaseEngine.gateAddress(dockerHost: "unix:///tmp/crank-swarm/docker.sock") == "127.0.0.1")
        #expect(SwarmReleaseEngine.gateAddress(dockerHost: "tcp://10.0.0.5:2376") == "10.0.0.5")
        #expect(SwarmReleaseEngine.gateAddress(dockerHost: "ssh://ops@manager-1") == "manager-1")
    }
}
