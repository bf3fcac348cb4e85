import Testing
@testable import DeployCore

/// Strings that reach a Containerfile, prefect.yaml, an env-file, an HTTP request or a command
/// line are checked character by character, so nothing can break out of its place.
@Suite("crank validate: characters each generated-text field allows")
struct FieldSyntaxTests {
    func issues(_ yaml: String, overlays: [String: String] = [:]) throws -> [ConfigIssue] {
        try ConfigFixture(yaml, overlays: overlays, files: ["requirements.txt": "requests\n"]).issues()
    }

    @Test("a newline in python.requirements (a Containerfile RUN line) is an invalid-value at its line")
    func requirementsNewline() throws {
        let found = try issues(project("  api: {command: [python3, api.py]}", extra: "python: {requirements: \"requirements.txt\\nRUN touch /tmp/pwned\"}"))
        #expect(found.map(\.code) == [.invalidValue])
        #expect(found.first?.path == "python.requirements")
        #expect(found.first?.line == 5)
    }

    @Test("python.requirements must stay inside the project: no absolute path, no `..`, no shell characters")
    func requirementsPath() throws {
        for bad in ["/etc/passwd", "../outside.txt", "req.txt;id", "-r.txt", "req s.txt"] {
            let found = try issues(project("  api: {command: [python3, api.py]}", extra: "python: {requirements: \"\(bad)\"}"))
            #expect(found.map(\.path) == ["python.requirements"], "\(bad): \(found)")
        }
        #expect(try issues(project("  api: {command: [python3, api.py]}", extra: "python: {requirements: deps/requirements-3.11.txt}"))
            .filter { $0.path == "python.requirements" } == [])
    }

    @Test("an env var name with a newline or a dash is an invalid-name, in a deployment's and in an environment's env")
    func envNames() throws {
        let yaml = """
            project: demo
            environments:
              dev: {target: local, env: {"OK_1": a, "BAD-NAME": b}}
            deployments:
              api:
                command: [python3, api.py]
                env: {"A\\nLD_PRELOAD": x, "9LIVES": y, GOOD: z}
            """
        let found = try issues(yaml)
        #expect(found.map(\.code) == [.invalidName, .invalidName, .invalidName])
        #expect(Set(found.map(\.path)) == ["deployments.api.env.\"A\\nLD_PRELOAD\"", "deployments.api.env.9LIVES", "environments.dev.env.BAD-NAME"])
        #expect(found.allSatisfy { !$0.path.contains("\n") })
    }

    @Test("a health path must start with / and hold no spaces or control characters (it is an HTTP request line)")
    func healthPath() throws {
        for bad in ["/h\r\nX-Injected: 1", "health", "/a b"] {
            let yaml = project("  api: {command: [python3, api.py], port: 8080, health: {path: \(JSONWriter.compactText(.string(bad)))}}")
            #expect(try issues(yaml).map(\.path) == ["deployments.api.health.path"], "\(bad)")
        }
    }

    @Test("container base image and registry follow the OCI grammar; network and engine cannot be options")
    func containerFields() throws {
        let yaml = """
            project: demo
            environments:
              prod:
                target: container
                container: {engine: "--help", registry: "evil.com$(id)", base_image: "evil.com$(id)/py:3", network: "--privileged"}
            deployments:
              api: {kind: container, command: [python3, api.py]}
            """
        let found = try ConfigFixture(yaml).issues(env: "prod")
        #expect(Set(found.map(\.path)) == ["environments.prod.container.engine", "environments.prod.container.registry",
                                          "environments.prod.container.base_image", "environments.prod.container.network"])
        #expect(found.allSatisfy { $0.code == .invalidValue && $0.line == 5 })
    }

    @Test("work pool and queue names cannot hold the characters Prefect bans (they become URL paths)")
    func prefectNames() throws {
        let found = try issues(project("  nightly: {flow: ingest, parameters: {source: s}, work_pool: \"a/../../x\", work_queue: \"q\\nx\"}"))
        #expect(Set(found.map(\.path)) == ["deployments.nightly.work_pool", "deployments.nightly.work_queue"])
    }

    @Test("requires.python holds module names and requires.executables program names")
    func requires() throws {
        let found = try issues(project("  api: {command: [python3, api.py], requires: {python: [numpy, \"os; import x\"], executables: [pandoc, \"a\\nb\"]}}"))
        #expect(Set(found.map(\.path)) == ["deployments.api.requires.python[1]", "deployments.api.requires.executables[1]"])
    }
}
