import Testing
@testable import DeployCore

/// The container target's settings: environment `container:` and per-deployment `restart:` /
/// `resources:`, decoded with key paths and did-you-means like every other key.
@Suite("container target config")
struct ContainerConfigTests {
    func config(_ container: String, deployment: String = "") -> String {
        """
        project: demo
        environments:
          prod:
            target: container
            container: \(container)
        deployments:
          api:
            kind: container
            command: [python3, api.py]
            port: 8080
        \(deployment)
        """
    }

    @Test("strategy, keep_images, network, restart and resources decode into the model")
    func decodes() throws {
        let yaml = config("{engine: podman, strategy: blue-green, keep_images: 3, network: backend}",
                          deployment: "    restart: no\n    resources: {cpus: 0.5, memory: 512m}")
        let (effective, issues) = try ConfigFixture(yaml).load(env: "prod")
        #expect(issues == [])
        let environment = try #require(effective?.config.environment("prod"))
        #expect(environment.strategy == .blueGreen)
        #expect(environment.keepImages == 3)
        #expect(environment.containerNetwork == "backend")
        let api = try #require(effective?.config.deployments.first)
        #expect(api.restart == .no)
        #expect(api.resources == ResourceLimits(cpus: "0.5", memory: "512m"))
    }

    @Test("defaults: recreate, five images kept, restart unless-stopped, no limits")
    func defaults() throws {
        let (effective, issues) = try ConfigFixture(config("{engine: podman}")).load(env: "prod")
        #expect(issues == [])
        #expect(effective?.config.environment("prod")?.strategy == .recreate)
        #expect(effective?.config.environment("prod")?.keepImages == 5)
        #expect(effective?.config.deployments.first?.restart == .unlessStopped)
        #expect(effective?.config.deployments.first?.resources == ResourceLimits())
    }

    @Test("a misspelt strategy gets a did-you-mean with its key path")
    func strategyTypo() throws {
        let issues = try ConfigFixture(config("{strategy: bluegreen}")).issues(env: "prod")
        let issue = try #require(issues.first { $0.path == "environments.prod.container.strategy" })
        #expect(issue.code == .invalidValue)
        #expect(issue.hint?.hasPrefix("did you mean 'blue-green'?") == true)
    }

    @Test("keep_images below 1, a bad memory size and a bad CPU count are each reported")
    func badLimits() throws {
        let yaml = config("{keep_images: 0}", deployment: "    resources: {cpus: lots, memory: 12tb}")
        let paths = Set(try ConfigFixture(yaml).issues(env: "prod").map(\.path))
        #expect(paths == ["environments.prod.container.keep_images", "deployments.api.resources.cpus", "deployments.api.resources.memory"])
    }
}
