import CrankTestSupport
import Testing
@testable import DeployCore

/// `name`, `version`, `job_variables`, `working_directory` and `pull` of a flow deployment.
@Suite("Prefect fields of flow deployments")
struct PrefectFieldsConfigTests {
    func staging(_ deployments: String, overlay: String? = nil) throws -> ConfigFixture {
        try ConfigFixture("""
            project: demo
            environments:
              staging:
                target: prefect
                prefect: {api_url: "http://127.0.0.1:4200/api", work_pool: p}
            deployments:
            \(deployments)
            """, overlays: overlay.map { ["staging": $0] } ?? [:])
    }

    static let prodAndNightly = """
          ingest-prod:
            flow: ingest
            name: prod
            version: "2.1"
            parameters: {source: s3://x}
            job_variables: {env: {LOG_LEVEL: debug}, stream_output: true}
            pull:
            - prefect.deployments.steps.git_clone: {repository: "https://example.com/r.git", branch: main}
            - prefect.deployments.steps.set_working_directory: {directory: "{{ clone.directory }}"}
          ingest-nightly:
            flow: ingest
            name: nightly
            parameters: {source: s3://y}
            working_directory: /opt/app
            env: {MODE: nightly}
        """

    @Test("the fields decode, validate, and reach the rendered spec, the prefect.yaml and the registration request")
    func rendered() throws {
        let fixture = try staging(Self.prodAndNightly)
        #expect(fixture.issues(env: "staging") == [])
        let builder = try BuilderFixture(fixtureConfig: fixture)
        let inputs = try builder.inputs(env: "staging")
        let rendered = try DeploymentRenderer(inputs: inputs).render()
        let prod = try #require(rendered.first { $0.name == "ingest-prod" })
        let nightly = try #require(rendered.first { $0.name == "ingest-nightly" })
        #expect(prod.spec["job_variables"] == .object(["env": .object(["LOG_LEVEL": .string("debug")]), "stream_output": .bool(true)]))
        #expect(nightly.spec["job_variables"] == .object(["env": .object(["MODE": .string("nightly")])]))
        #expect(nightly.spec["pull_steps"] == .array([PrefectDeploymentFields.setWorkingDirectory("/opt/app")]))
        let request = PrefectDeploymentBody.request(prod, flowID: "f1", version: "r7")
        #expect(request["name"] == .string("prod") && request["version"] == .string("2.1"))
        guard case .array(let steps)? = request["pull_steps"] else { throw TestFailure("no pull steps") }
        #expect(steps.count == 2)
        let plain = PrefectDeploymentBody.request(nightly, flowID: "f1", version: "r7")
        #expect(plain["name"] == .string("nightly") && plain["version"] == .string("r7"))
        // A fixed version is compared with the server's (a change re-registers); a release id is not.
        var server = PrefectDeploymentBody.request(prod, flowID: "f1", version: "r7")
        server["version"] = .string("2.0")
        #expect(PrefectDeploymentBody.differences(PrefectDeploymentBody.desired(prod), PrefectDeploymentBody.observed(.object(server), withVersion: true)) == ["version"])
        server = PrefectDeploymentBody.request(nightly, flowID: "f1", version: "r3")
        #expect(PrefectDeploymentBody.differences(PrefectDeploymentBody.desired(nightly), PrefectDeploymentBody.observed(.object(server))) == [])
        let yaml = PrefectYAMLBuilder.render(rendered, inputs: inputs)
        #expect(yaml.contains("- name: \"prod\"\n  version: \"2.1\"\n"), "\(yaml)")
        #expect(yaml.contains("- name: \"nightly\"\n  version: \"git-0123456789ab\"\n"), "\(yaml)")
    }

    @Test("a local environment serves the flow under its Prefect name")
    func served() throws {
        let fixture = try ConfigFixture(project("""
              ingest-prod: {flow: ingest, name: prod, parameters: {source: s3://x}}
            """))
        #expect(fixture.issues() == [])
        let rendered = try DeploymentRenderer(inputs: BuilderFixture(fixtureConfig: fixture).inputs(env: "dev")).render()
        guard case .array(let argv)? = rendered.first?.spec["argv"] else { throw TestFailure("no argv") }
        #expect(Array(argv.suffix(2)) == [.string("--name"), .string("prod")])
    }

    @Test("misplaced or conflicting fields are errors with key paths; unknown keys stay errors")
    func errors() throws {
        let issues = try staging("""
              a:
                flow: ingest
                parameters: {source: s3://x}
                working_directory: /srv
                pull: [{prefect.deployments.steps.set_working_directory: {directory: /srv}}]
                job_variables: {env: {MODE: x}}
                env: {MODE: y}
              b:
                flow: ingest
                name: a
                parameters: {source: s3://x}
                job_variable: {x: 1}
              c:
                flow: ingest
                name: "bad/name"
                parameters: {source: s3://x}
                pull: [{one: 1, two: 2}]
              svc:
                command: [python3, x.py]
                name: svc
            """).issues(env: "staging")
        let found = Set(issues.map { "\($0.code.rawValue) \($0.path)" })
        #expect(found.isSuperset(of: [
            "conflicting-keys deployments.a.working_directory", "conflicting-keys deployments.a.job_variables.env.MODE",
            "conflicting-keys deployments.b.name", "unknown-key deployments.b.job_variable",
            "invalid-value deployments.c.name", "wrong-type deployments.c.pull[0]", "invalid-value deployments.svc.name",
        ]), "\(issues.map { "\($0.code.rawValue) \($0.path): \($0.message)" })")
        #expect(issues.first { $0.path == "deployments.b.job_variable" }?.hint?.contains("did you mean 'job_variables'?") == true)
    }

    @Test("a secret interpolated into job_variables or pull steps is a secret-placement error, never registered")
    func secrets() throws {
        let fixture = try staging("""
              a:
                flow: ingest
                parameters: {source: s3://x}
                secrets: [API_TOKEN]
                job_variables: {env: {COPY: "${API_TOKEN}"}}
                pull: [{prefect.deployments.steps.run_shell_script: {script: "login ${API_TOKEN}"}}]
            """)
        let issues = fixture.issues(env: "staging", environment: ["API_TOKEN": "tok-5d4c3b2a1"])
        #expect(Set(issues.filter { $0.code == .secretPlacement }.map(\.path)) == [
            "deployments.a.job_variables.env.COPY", "deployments.a.pull[0].prefect.deployments.steps.run_shell_script.script",
        ], "\(issues.map { "\($0.code.rawValue) \($0.path)" })")
        #expect(!issues.contains { $0.message.contains("tok-5d4c3b2a1") })
    }

    @Test("two deployments of one flow may share a name in different environments")
    func sharedAcrossEnvironments() throws {
        let fixture = try ConfigFixture("""
            project: demo
            environments:
              staging: {target: prefect, prefect: {api_url: "http://127.0.0.1:4200/api", work_pool: p}}
              prod: {target: prefect, prefect: {api_url: "http://127.0.0.1:4201/api", work_pool: p}}
            deployments:
              main-staging: {flow: ingest, name: main, parameters: {source: s3://staging}}
              main-prod: {flow: ingest, name: main, parameters: {source: s3://prod}}
            """, overlays: ["staging": "deployments: {main-prod: null}\n", "prod": "deployments: {main-staging: null}\n"])
        #expect(fixture.issues(env: "staging") == [])
        #expect(fixture.issues(env: "prod") == [])
    }
}

extension BuilderFixture {
    /// A builder over an existing config fixture (its requirements file is not needed for flows).
    init(fixtureConfig: ConfigFixture) throws {
        config = fixtureConfig
    }
}
