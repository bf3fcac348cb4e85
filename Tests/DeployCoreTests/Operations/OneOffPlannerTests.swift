import CrankTestSupport
import Foundation
import Testing
@testable import DeployCore

/// `crank exec`'s command per target, as data (no engine, ssh or process is run).
@Suite("one-off command plans per target")
struct OneOffPlannerTests {
    static let secret = "s3cret-value-\(UUID().uuidString.prefix(6))"

    /// The engine of `environment` in a project whose `web` deployment is a container or a process.
    func engine(target: String, hosts: Bool) throws -> (any ReleaseTarget, TemporaryTree) {
        let hostsBlock = hosts ? """

                hosts:
                  h1: {address: 127.0.0.2, user: root, root: /srv/crank}
                  h2: {address: 127.0.0.3, root: /srv/crank}
                roles: {web: [h1, h2]}
            """ : ""
        let tree = try TemporaryTree([
            "crank.yaml": """
                project: demo
                deployments:
                  web:
                    \(target != "local" ? "kind: container\n    " : "")command: [python3, web.py]
                    port: 8080
                    env: {GREETING: hi}
                    secrets: [WEB_TOKEN]
                    \(hosts ? "role: web" : "")
                environments:
                  prod:
                    target: \(target)
                    \(target == "container" ? "container: {engine: podman}" : "")\(hostsBlock)
                """,
        ])
        let (effective, issues) = ConfigLoader(root: tree.root, processEnvironment: [:]).load(environment: "prod")
        let loaded = try #require(effective, "\(issues)")
        let opened = try EnvironmentTarget.open(loaded, environment: "prod", processEnvironment: ["WEB_TOKEN": Self.secret, "PATH": "/usr/bin:/bin"])
        return (opened.engine, tree)
    }

    func live(container: Bool, hosts: Bool) -> LiveDeployment {
        var spec: [String: JSONValue] = ["argv": .array([.string("python3"), .string("web.py")]), "port": .int(8080),
                                         "env": .object(["GREETING": .string("hi")]), "secrets": .array([.string("WEB_TOKEN")])]
        if container { spec["image"] = .string("localhost/demo-web:git-abc") }
        if hosts {
            spec["hosts"] = .array([.object(["name": .string("h1"), "address": .string("127.0.0.2"), "user": .string("root"), "root": .string("/srv/crank")]),
                                    .object(["name": .string("h2"), "address": .string("127.0.0.3"), "root": .string("/srv/crank")])])
        }
        let deployment = RenderedDeployment(name: "web", kind: container ? .container : .python, role: .service,
                                            target: container ? .container : .local, spec: spec)
        let record = ReleaseRecord(id: "r3", environment: "prod", status: .live, createdAt: Date(), user: "u", host: "h", gitSHA: nil,
                                   tag: "t", reason: nil, configHash: "x", secrets: ["WEB_TOKEN"],
                                   manifest: .object(["deployments": .array([deployment.json])]), failure: nil)
        return LiveDeployment(release: record, deployment: deployment)
    }

    @Test("container: a one-off `run --rm -i` of the release's image, env and secret in the env-file only; -t on a terminal")
    func container() throws {
        let (engine, _) = try engine(target: "container", hosts: false)
        let plan = try OneOffPlanner.plan(engine, live: live(container: true, hosts: false), command: ["sh", "-c", "env"], host: nil,
                                          terminal: false, processEnvironment: [:])
        let arguments = Array(plan.argv.dropFirst())
        #expect(Array(arguments.prefix(5)) == ["run", "--rm", "-i", "--init", "--name"])
        #expect(arguments[5].hasPrefix("demo-web-exec-"))
        #expect(Array(arguments[6...]) == ["--env-file", plan.envFile?.path ?? "-", "localhost/demo-web:r3", "sh", "-c", "env"])
        let file = String(decoding: try #require(plan.envFile).contents, as: UTF8.self)
        #expect(file.contains("WEB_TOKEN=\(Self.secret)\n") && file.contains("GREETING=hi\n") && file.contains("CRANK_RELEASE=r3\n"))
        #expect(!plan.argv.joined(separator: " ").contains(Self.secret))
        let onTerminal = try OneOffPlanner.plan(engine, live: live(container: true, hosts: false), command: ["sh"], host: nil, terminal: true, processEnvironment: [:])
        #expect(Array(onTerminal.argv.dropFirst().prefix(4)) == ["run", "--rm", "-i", "-t"])
        #expect(throws: OperationFailure.unsupported(target: .container, reason: "--host applies to environments with hosts")) {
            try OneOffPlanner.plan(engine, live: live(container: true, hosts: false), command: ["sh"], host: "h1", terminal: false, processEnvironment: [:])
        }
    }

    @Test("hosts: ssh to the first host (or --host), the environment through ssh's stdin, never argv; unknown hosts named")
    func processesOnHosts() throws {
        let (engine, _) = try engine(target: "local", hosts: true)
        let plan = try OneOffPlanner.plan(engine, live: live(container: false, hosts: true), command: ["python3", "manage.py"], host: nil,
                                          terminal: false, processEnvironment: [:])
        #expect(plan.host == "h1" && Array(plan.argv.prefix(2)) == ["ssh", "-T"] && plan.argv.contains("127.0.0.2"))
        #expect(plan.argv.last?.contains("'/srv/crank/releases/prod/r3' 'python3' 'manage.py'") == true, "\(plan.argv.last ?? "")")
        let write = try #require(plan.before.first)
        #expect(String(decoding: write.input ?? Data(), as: UTF8.self).contains("WEB_TOKEN='\(Self.secret)'"))
        #expect(!(plan.argv + [write.description]).joined(separator: " ").contains(Self.secret))
        let second = try OneOffPlanner.plan(engine, live: live(container: false, hosts: true), command: ["true"], host: "h2", terminal: true, processEnvironment: [:])
        #expect(second.host == "h2" && second.argv[1] == "-t" && second.argv.contains("127.0.0.3"))
        #expect(throws: OperationFailure.unknownHost("h9", deployment: "web", hosts: ["h1", "h2"])) {
            try OneOffPlanner.plan(engine, live: live(container: false, hosts: true), command: ["true"], host: "h9", terminal: false, processEnvironment: [:])
        }
    }

    @Test("containers on hosts: the engine's run over ssh with an env-file written there first and removed after")
    func containersOnHosts() throws {
        let (engine, _) = try engine(target: "container", hosts: true)
        let plan = try OneOffPlanner.plan(engine, live: live(container: true, hosts: true), command: ["sh"], host: "h2", terminal: false, processEnvironment: [:])
        #expect(plan.host == "h2" && plan.argv.contains("127.0.0.3"))
        let remote = try #require(plan.argv.last)
        #expect(remote.contains("'podman' 'run' '--rm' '-i' '--init'") && remote.contains("'localhost/demo-web:r3' 'sh'"), "\(remote)")
        #expect(remote.contains("rm -f"), "the env-file is removed after the command: \(remote)")
        let written = String(decoding: try #require(plan.before.first?.input), as: UTF8.self)
        #expect(written.contains("WEB_TOKEN=\(Self.secret)") && written.contains("CRANK_HOST=h2"))
        #expect(!plan.argv.joined(separator: " ").contains(Self.secret))
    }

    @Test("swarm: logs read `docker service logs` of the stack's service (followed until no replica runs); exec is refused with what to do")
    func swarm() async throws {
        let (engine, _) = try engine(target: "swarm", hosts: false)
        var request = LogRequest()
        request.tail = 5
        request.follow = true
        let sources = try await LogPlanner.sources(engine, deployments: [live(container: true, hosts: false)], request: request)
        guard case .command(let deployment, nil, let command, let alive?, true)? = sources.first else { Issue.record("\(sources)"); return }
        #expect(deployment == "web")
        #expect(command.arguments == ["service", "logs", "--no-task-ids", "--tail", "5", "--follow", "demo-prod_web"])
        #expect(alive.arguments == ["service", "ls", "--filter", "name=demo-prod_web", "--format", "{{.Replicas}}"])
        #expect(throws: OperationFailure.self) {
            try OneOffPlanner.plan(engine, live: live(container: true, hosts: false), command: ["sh"], host: nil, terminal: false, processEnvironment: [:])
        }
    }

    @Test("prefect: exec is refused (no process or image to run next to), naming crank smoke")
    func prefect() throws {
        let tree = try TemporaryTree(["crank.yaml": """
            project: demo
            deployments:
              hello: {flow: greet}
            environments:
              staging: {target: prefect, prefect: {api_url: "http://127.0.0.1:9/api", work_pool: p}}
            """])
        let (effective, issues) = ConfigLoader(root: tree.root, processEnvironment: [:]).load(environment: "staging")
        let engine = try EnvironmentTarget.open(try #require(effective, "\(issues)"), environment: "staging", processEnvironment: [:]).engine
        do {
            _ = try OneOffPlanner.plan(engine, live: live(container: false, hosts: false), command: ["sh"], host: nil, terminal: false, processEnvironment: [:])
            Issue.record("exec on a Prefect environment was planned")
        } catch {
            guard case .unsupported(.prefect, let reason) = error else { Issue.record("\(error)"); return }
            #expect(reason.contains("crank smoke"))
        }
    }
}
