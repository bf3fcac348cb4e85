import Testing
@testable import DeployCore

/// The rules of a `target: prefect` environment, each with its code, key path and hint.
@Suite("crank validate rules for Prefect environments")
struct PrefectValidationTests {
    func staging(_ prefect: String, _ deployments: String) -> String {
        """
        project: demo
        environments:
          staging:
            target: prefect
            \(prefect)
        deployments:
        \(deployments)
        """
    }

    @Test("a complete Prefect environment with smoke parameters is valid")
    func valid() throws {
        let fixture = try ConfigFixture(staging("prefect: {api_url: \"http://127.0.0.1:4200/api\", work_pool: p, work_queue: q}", """
              ingest:
                flow: ingest
                parameters: {source: s3://x}
                smoke: {parameters: {source: s3://smoke, limit: 1}, timeout: 120}
            """))
        #expect(fixture.issues(env: "staging") == [])
    }

    @Test("a service in a Prefect environment is a target-mismatch naming the overlay fix")
    func service() throws {
        let issues = try ConfigFixture(staging("prefect: {api_url: \"http://x/api\", work_pool: p}", """
              api:
                command: [python3, api.py]
            """)).issues(env: "staging")
        #expect(issues.map(\.code) == [.targetMismatch])
        #expect(issues.first?.path == "deployments.api")
        #expect(issues.first?.hint?.contains("api: null") == true)
    }

    @Test("no API URL and no work pool are missing keys with the key to set")
    func missing() throws {
        let issues = try ConfigFixture(staging("env: {}", """
              ingest:
                flow: ingest
                parameters: {source: s3://x}
            """)).issues(env: "staging")
        #expect(issues.map(\.path).sorted() == ["environments.staging.prefect.api_url", "environments.staging.prefect.work_pool"])
        #expect(issues.allSatisfy { $0.code == .missingKey })
    }

    @Test("the API key secret must have a value")
    func apiKey() throws {
        let fixture = try ConfigFixture(staging("prefect: {api_url: \"http://x/api\", work_pool: p, api_key_secret: PREFECT_KEY}", """
              ingest:
                flow: ingest
                parameters: {source: s3://x}
            """))
        let issues = fixture.issues(env: "staging")
        #expect(issues.map(\.code) == [.missingSecret])
        #expect(issues.first?.path == "environments.staging.prefect.api_key_secret")
        #expect(fixture.issues(env: "staging", environment: ["PREFECT_KEY": "pnu_secret"]) == [])
    }

    @Test("smoke parameters the flow does not have, and smoke on a service, are errors")
    func smoke() throws {
        let issues = try ConfigFixture(staging("prefect: {api_url: \"http://x/api\", work_pool: p}", """
              ingest:
                flow: ingest
                parameters: {source: s3://x}
                smoke: {parameters: {sauce: 1}}
            """)).issues(env: "staging")
        #expect(issues.map(\.code) == [.unknownParameter])
        #expect(issues.first?.path == "deployments.ingest.smoke.parameters.sauce")
        let service = try ConfigFixture(project("""
              api:
                command: [python3, api.py]
                smoke: {timeout: 5}
            """)).issues()
        #expect(service.map(\.code) == [.invalidValue])
        #expect(service.first?.path == "deployments.api.smoke")
    }
}
