import Foundation
import Testing
@testable import DeployCore

@Suite("hooks: config of an environment's and a deployment's hooks")
struct HookConfigTests {
    static let services = """
      api:
        command: [python3, api.py]
        hooks:
          post_deploy: [{run: [python3, warm.py], timeout: 500ms}]
      model-api:
        command: [python3, model.py]
    """

    func yaml(target: String = "local", hooks: String, deployments: String = Self.services) -> String {
        """
        project: demo
        environments:
          dev:
            target: \(target)
            hooks:
        \(hooks)
        deployments:
        \(deployments)
        """
    }

    func codesAndPaths(_ issues: [ConfigIssue]) -> [String] {
        issues.filter { $0.severity == .error }.map { "\($0.code.rawValue) \($0.path)" }
    }

    @Test("environment hooks (with `on:` and durations) and a deployment's own hooks decode; the timeout defaults to 300 s")
    func decodes() throws {
        let text = yaml(hooks: """
                  pre_deploy: [{run: [python3, manage.py, migrate], timeout: 300s}]
                  post_deploy: [{run: [python3, scripts/warm_cache.py], on: model-api}]
                  pre_rollback: [{run: [python3, manage.py, check], timeout: 2m}]
                  post_rollback: []
            """)
        let (effective, issues) = try ConfigFixture(text).load()
        #expect(issues == [])
        let config = try #require(effective?.config)
        #expect(config.environment("dev")?.hooks == [
            Hook(phase: .preDeploy, run: ["python3", "manage.py", "migrate"], timeout: 300),
            Hook(phase: .postDeploy, run: ["python3", "scripts/warm_cache.py"], deployment: "model-api"),
            Hook(phase: .preRollback, run: ["python3", "manage.py", "check"], timeout: 120),
        ])
        #expect(config.deployments.first { $0.name == "api" }?.hooks == [
            Hook(phase: .postDeploy, run: ["python3", "warm.py"], timeout: 0.5, deployment: "api", scope: .deployment),
        ])
        #expect(Hook(phase: .preDeploy, run: ["x"]).timeout == 300)
    }

    @Test("schema errors name the key path: unknown phase and keys (did-you-mean), run not an argv list, no run, bad timeout, `on:` in a deployment's hook")
    func schema() throws {
        let text = yaml(hooks: """
                  pre_deploi: [{run: [a]}]
                  pre_deploy:
                    - {run: "python3 manage.py migrate"}
                    - {timeout: 5s}
                    - {run: [a], timout: 5s}
                    - {run: [a], timeout: soon}
                    - {run: [a], timeout: 0s}
                    - {run: []}
            """, deployments: """
              api:
                command: [python3, api.py]
                hooks: {post_deploy: [{run: [a], on: api}]}
            """)
        let issues = try ConfigFixture(text).issues()
        #expect(Set(codesAndPaths(issues)) == [
            "unknown-key environments.dev.hooks.pre_deploi",
            "wrong-type environments.dev.hooks.pre_deploy[0].run",
            "missing-key environments.dev.hooks.pre_deploy[1].run",
            "unknown-key environments.dev.hooks.pre_deploy[2].timout",
            "invalid-value environments.dev.hooks.pre_deploy[3].timeout",
            "invalid-value environments.dev.hooks.pre_deploy[4].timeout",
            "invalid-value environments.dev.hooks.pre_deploy[5].run",
            "unknown-key deployments.api.hooks.post_deploy[0].on",
        ])
        #expect(issues.first { $0.path.hasSuffix("pre_deploi") }?.hint?.hasPrefix("did you mean 'pre_deploy'?") == true)
        #expect(issues.first { $0.path.hasSuffix("timout") }?.hint?.hasPrefix("did you mean 'timeout'?") == true)
        #expect(issues.first { $0.path.hasSuffix("[0].run") }?.hint?.contains("no shell") == true)
        #expect(issues.allSatisfy { $0.file == "crank.yaml" && $0.line != nil })
    }

    @Test("`on:` naming no deployment is an error with a did-you-mean")
    func unknownDeployment() throws {
        let issues = try ConfigFixture(yaml(hooks: "          post_deploy: [{run: [a], on: model-apy}]")).issues()
        #expect(codesAndPaths(issues) == ["invalid-value environments.dev.hooks.post_deploy[0].on"])
        #expect(issues.first?.hint?.hasPrefix("did you mean 'model-api'?") == true)
        #expect(issues.first?.line == 6)
    }

    @Test("a secret interpolated into a hook's argv is an error (argv shows in `ps`); the hint says to read it from the environment")
    func secretInArgv() throws {
        let text = yaml(hooks: "          pre_deploy: [{run: [migrate, \"--password=${DB_PASSWORD}\"], on: api}]", deployments: """
              api:
                command: [python3, api.py]
                secrets: [DB_PASSWORD]
            """)
        let issues = try ConfigFixture(text).issues(environment: ["DB_PASSWORD": "s3cr3t-pw"])
        #expect(codesAndPaths(issues) == ["secret-placement environments.dev.hooks.pre_deploy[0].run[1]"])
        #expect(issues.first?.message.contains("an argv, visible in `ps`") == true)
    }

    @Test("prefect and swarm environments, and container environments with hosts, refuse hooks instead of ignoring them; local ones with hosts run them")
    func unsupportedTargets() throws {
        let prefect = yaml(target: "prefect\n    prefect: {api_url: \"http://127.0.0.1:4200/api\"}", hooks: "          pre_deploy: [{run: [a]}]")
        let issues = try ConfigFixture(prefect).issues()
        #expect(codesAndPaths(issues).contains("target-mismatch environments.dev.hooks.pre_deploy[0]"))
        #expect(codesAndPaths(issues).contains("target-mismatch deployments.api.hooks.post_deploy[0]"))
        #expect(issues.contains { $0.message.contains("hooks are not supported on target prefect yet") })
        let swarm = yaml(target: "swarm", hooks: "          pre_deploy: [{run: [a]}]")
        #expect(try ConfigFixture(swarm).issues().contains { $0.code == .targetMismatch && $0.message.contains("target swarm") })
        let hosts = hostsProject.patched("known_hosts: deployment/known_hosts", with: "known_hosts: deployment/known_hosts\n    hooks: {pre_deploy: [{run: [a]}]}")
        #expect(try hostsFixture(hosts).issues(env: "prod") == [], "a local environment with hosts runs hooks")
        let containerHosts = hosts.patched("  prod:\n    target: local", with: "  prod:\n    target: container")
        let hostIssues = try hostsFixture(containerHosts).issues(env: "prod")
        #expect(hostIssues.contains { $0.code == .targetMismatch && $0.path == "environments.prod.hooks.pre_deploy[0]"
            && $0.message.contains("container environments with `hosts:`") }, "\(hostIssues)")
    }

    @Test("a container environment's hook must name the deployment whose image it runs in")
    func containerNeedsOn() throws {
        let deployments = """
          api:
            kind: container
            command: [python3, api.py]
        """
        let text = yaml(target: "container\n    container: {engine: podman, base_image: \"localhost/x:1\"}",
                        hooks: "          pre_deploy: [{run: [a]}, {run: [b], on: api}]", deployments: deployments)
        let issues = try ConfigFixture(text).issues()
        #expect(codesAndPaths(issues) == ["missing-key environments.dev.hooks.pre_deploy[0].on"])
    }
}
