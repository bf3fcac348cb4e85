import CrankTestSupport
import Foundation
import Testing
@testable import DeployCore

/// Defence in depth for library users who skip validation: each generator refuses a value it
/// cannot quote (a typed error) instead of writing it into generated text.
@Suite("Builders: generators refuse what they cannot quote")
struct GeneratorQuotingTests {
    func containerfile(_ inputs: BuildInputs) throws -> String {
        let rendered = try DeploymentRenderer(inputs: inputs).render()
        let api = try #require(rendered.first { $0.name == "api" })
        let template = try String(contentsOfFile: Checkout.root + "/" + ContainerfileBuilder.templateFile, encoding: .utf8)
        return try ContainerfileBuilder(template: template, templatePath: "t").render(api, inputs: inputs, command: ContainerfileBuilder.command(for: api))
    }

    @Test("a requirements path with a newline is refused, not written as a RUN line")
    func requirementsNewline() throws {
        var inputs = try BuilderFixture().inputs(env: "prod")
        inputs.effective.config.python.requirements = "requirements.txt\nRUN touch /tmp/pwned"
        #expect(throws: ContainerfileBuilder.Failure.unsafeValue(field: "python.requirements", value: "requirements.txt\nRUN touch /tmp/pwned")) {
            try containerfile(inputs)
        }
        inputs.effective.config.python.requirements = "requirements.txt"
        #expect(try containerfile(inputs).contains("RUN python3 -m pip install --no-cache-dir -r /app/requirements.txt"))
    }

    @Test("a secret's value in a description, argv or flow parameter stops the render, naming field and secret")
    func secretOutsideEnv() throws {
        let fixture = try BuilderFixture()
        for field in ["description", "command", "parameters"] {
            var inputs = try fixture.inputs(env: "prod")
            var config = inputs.effective.config
            let index = try #require(config.deployments.firstIndex { $0.name == (field == "parameters" ? "ingest-daily" : "worker") })
            switch field {
            case "description": config.deployments[index].description = "token \(fixture.secret)"
            case "command": config.deployments[index].command = ["python3", "worker.py", "--token=\(fixture.secret)"]
            default: config.deployments[index].parameters["source"] = .string("s3://b?k=\(fixture.secret)")
            }
            inputs.effective.config = config
            #expect(throws: DeploymentRenderer.Failure.secretInField(deployment: config.deployments[index].name, field: field, secret: "API_TOKEN")) {
                try DeploymentRenderer(inputs: inputs).render()
            }
        }
    }

    @Test("a registry host with shell characters is not a valid image reference")
    func registryGrammar() {
        #expect(ImageReference.problem(in: "evil.com$(id)/py:3") != nil)
        #expect(ImageReference.problem(in: "registry.example.com:5000/team/app:1") == nil)
        #expect(ImageReference.problem(in: "localhost/debian-py:bookworm") == nil)
    }

    @Test("prefect.yaml quotes keys it cannot write plain and keeps header comments on one line")
    func yamlKeys() throws {
        #expect(YAMLText.render([("a\nb: c", .scalar(.int(1))), ("plain_key-1.x", .scalar(.int(2)))]) == "\"a\\nb: c\": 1\nplain_key-1.x: 2\n")
        var inputs = try BuilderFixture().inputs(env: "staging")
        inputs.effective.config.project = "demo\nname: hijacked"
        let flow = try #require(inputs.effective.config.deployments.first { $0.name == "ingest-daily" })
        let rendered = [try DeploymentRenderer(inputs: inputs).render(flow)]
        let text = PrefectYAMLBuilder.render(rendered, inputs: inputs)
        #expect(!text.split(separator: "\n").contains { $0.hasPrefix("name: hijacked") })
    }

    @Test("the engine refuses env names an env-file cannot hold and a network that would read as an option")
    func engineArguments() {
        let runner = RefusingRunner()
        let engine = ContainerEngine(executable: "podman", runner: runner, environment: [:])
        for (env, network) in [(["A\nLD_PRELOAD": "x"], nil), (["A=B": "x"], nil), (["OK": "x"], "--privileged")] as [([String: String], String?)] {
            var launch = ContainerEngine.Launch(name: "demo-api-r1", image: "localhost/demo-api:r1", env: env)
            launch.network = network
            #expect(throws: ContainerEngine.Failure.self) { try engine.start(launch) }
        }
        #expect(runner.calls.value == 0)
    }
}

/// Fails the test by counting: no engine command may run.
final class RefusingRunner: CommandRunner, @unchecked Sendable {
    let calls = CallCount()
    func run(_ command: ShellCommand, timeout: TimeInterval) -> CommandResult {
        calls.increment()
        return CommandResult(status: 0, stdout: "", stderr: "")
    }
}

final class CallCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}
