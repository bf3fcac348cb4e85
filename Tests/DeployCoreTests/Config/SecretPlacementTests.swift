import Testing
@testable import DeployCore

/// A secret may be interpolated only into `env:` values; every other field would store it in
/// plain text (manifest, release records, prefect.yaml, argv, a Containerfile).
@Suite("crank validate: where a secret may be interpolated")
struct SecretPlacementTests {
    static let token = "tok-0123456789abcdef"
    static let environment = ["TOKEN": token]

    func placements(_ issues: [ConfigIssue]) -> [ConfigIssue] {
        issues.filter { $0.code == .secretPlacement }
    }

    @Test("a secret in env values is allowed (deployment, template and environment env)")
    func envAllowed() throws {
        let fixture = try ConfigFixture(project("""
              api:
                template: svc
                command: [python3, api.py]
                env: {API_TOKEN: "${TOKEN}", BEARER: "Bearer ${TOKEN}"}
                secrets: [TOKEN]
            """, extra: """
            templates:
              svc: {env: {COPY: "${TOKEN}"}}
            """))
        #expect(fixture.issues(environment: Self.environment) == [])
    }

    @Test("a secret interpolated into description is an error naming the key path and line")
    func description() throws {
        let fixture = try ConfigFixture(project("""
              api:
                command: [python3, api.py]
                description: "uses ${TOKEN}"
                secrets: [TOKEN]
            """))
        let issues = placements(fixture.issues(environment: Self.environment))
        #expect(issues.map(\.path) == ["deployments.api.description"])
        #expect(issues.first?.line == 9)
        #expect(issues.first?.message.contains("TOKEN") == true)
        #expect(issues.first?.message.contains(Self.token) == false)
        #expect(issues.first?.hint?.contains("env:") == true)
    }

    @Test("a secret in command argv is an error (visible in ps, baked into a Containerfile)")
    func command() throws {
        let fixture = try ConfigFixture(project("""
              api:
                command: [python3, api.py, "--token=${TOKEN}"]
                secrets: [TOKEN]
            """))
        let issues = placements(fixture.issues(environment: Self.environment))
        #expect(issues.map(\.path) == ["deployments.api.command[2]"])
    }

    @Test("a secret in flow parameters is an error whose hint names the Prefect Secret block")
    func parameters() throws {
        let fixture = try ConfigFixture(project("""
              api:
                command: [python3, api.py]
                secrets: [TOKEN]
              nightly:
                flow: ingest
                parameters: {source: "s3://x?key=${TOKEN}"}
            """))
        let issues = placements(fixture.issues(environment: Self.environment))
        #expect(issues.map(\.path) == ["deployments.nightly.parameters.source"])
        #expect(issues.first?.hint?.contains("prefect.blocks.secret") == true)
    }

    @Test("a parameter whose key is `env` is still a parameter, not an env value")
    func parameterNamedEnv() throws {
        let fixture = try ConfigFixture(project("""
              api:
                command: [python3, api.py]
                secrets: [TOKEN]
              loose:
                flow: open_ended
                parameters: {env: {X: "${TOKEN}"}}
            """))
        #expect(placements(fixture.issues(environment: Self.environment)).map(\.path) == ["deployments.loose.parameters.env.X"])
    }

    @Test("a secret reaching a field through a template or an overlay is an error at the line that wrote it")
    func templateAndOverlay() throws {
        let fixture = try ConfigFixture(project("""
              api:
                template: svc
                command: [python3, api.py]
                secrets: [TOKEN]
            """, extra: """
            templates:
              svc: {health: {path: "/health?t=${TOKEN}"}, port: 8080}
            """), overlays: ["dev": "deployments:\n  api:\n    tags: [\"${TOKEN}\"]\n"])
        let issues = placements(fixture.issues(environment: Self.environment))
        #expect(Set(issues.map(\.path)) == ["templates.svc.health.path", "deployments.api.tags[0]"])
        #expect(issues.first { $0.path == "deployments.api.tags[0]" }?.file == "deployment/environments/dev.yaml")
    }

    @Test("a name is a secret when any `secrets:` list of the project names it, in any environment's overlay")
    func declaredProjectWide() throws {
        let fixture = try ConfigFixture(project("""
              api:
                command: [python3, api.py]
                description: "token ${TOKEN}"
            """), overlays: ["prod": "environments: {prod: {target: local}}\ndeployments:\n  api: {secrets: [TOKEN]}\n"])
        #expect(placements(fixture.issues(env: "dev", environment: Self.environment)).map(\.path) == ["deployments.api.description"])
    }

    @Test("a secret's value arriving under another name, a default or a literal is an error too")
    func valueElsewhere() throws {
        let fixture = try ConfigFixture(project("""
              api:
                command: [python3, api.py, "${UNSET:-\(Self.token)}"]
                description: "copy ${ALIAS}"
                secrets: [TOKEN]
            """))
        let issues = placements(fixture.issues(environment: ["TOKEN": Self.token, "ALIAS": Self.token]))
        #expect(Set(issues.map(\.path)) == ["deployments.api.command[2]", "deployments.api.description"])
        #expect(issues.allSatisfy { !$0.message.contains(Self.token) })
    }
}
