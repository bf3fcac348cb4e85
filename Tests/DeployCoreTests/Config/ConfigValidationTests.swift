import Testing
@testable import DeployCore

/// One test per validation rule: each asserts the issue's code, key path and line.
@Suite("crank validate rules")
struct ConfigValidationTests {
    func only(_ issues: [ConfigIssue]) -> ConfigIssue? {
        #expect(issues.count == 1, "\(issues)")
        return issues.first
    }

    @Test("a valid project has no issues")
    func valid() throws {
        let fixture = try ConfigFixture(project("""
              api:
                command: [python3, api.py]
                port: 8080
              ingest:
                flow: ingest
                parameters: {source: s3://x, limit: 5}
            """))
        #expect(fixture.issues() == [])
    }

    @Test("malformed YAML names file, line and column")
    func yamlSyntax() throws {
        let issue = only(try ConfigFixture("project: demo\ndeployments:\n  api: [unclosed\n").issues())
        #expect(issue?.code == .yamlSyntax)
        #expect(issue?.file == "crank.yaml")
        #expect(issue?.line == 4)
    }

    @Test("an unknown key gets a did-you-mean")
    func unknownKey() throws {
        let issue = only(try ConfigFixture(project("  api:\n    command: [a]\n    prot: 8080")).issues())
        #expect(issue?.code == .unknownKey)
        #expect(issue?.path == "deployments.api.prot")
        #expect(issue?.line == 9)
        #expect(issue?.hint?.hasPrefix("did you mean 'port'?") == true)
    }

    @Test("a wrong type names the key path and the value")
    func wrongType() throws {
        let issue = only(try ConfigFixture(project("  api:\n    command: [a]\n    port: \"80a\"")).issues())
        #expect(issue?.code == .wrongType)
        #expect(issue?.path == "deployments.api.port")
        #expect(issue?.line == 9)
        #expect(issue?.message == "deployments.api.port: should be an integer (got a string \"80a\")")
    }

    @Test("a list where a map belongs is a wrong-type")
    func listForMap() throws {
        let issue = only(try ConfigFixture("project: demo\nenvironments: {dev: {target: local}}\ndeployments:\n  - api\n  - worker\n").issues())
        #expect(issue?.code == .wrongType)
        #expect(issue?.path == "deployments")
        #expect(issue?.line == 4)
    }

    @Test("a missing project name is a missing-key")
    func missingProject() throws {
        let issues = try ConfigFixture("environments: {dev: {target: local}}\n").issues()
        #expect(issues.map(\.code) == [.missingKey])
        #expect(issues.first?.path == "project")
    }

    @Test("an environment without a target is a missing-key")
    func missingTarget() throws {
        let issue = only(try ConfigFixture("project: demo\nenvironments:\n  dev:\n    env: {A: b}\n").issues())
        #expect(issue?.code == .missingKey)
        #expect(issue?.path == "environments.dev.target")
        #expect(issue?.line == 3)
    }

    @Test("an unknown target lists the allowed ones")
    func unknownTarget() throws {
        let issue = only(try ConfigFixture("project: demo\nenvironments:\n  dev:\n    target: kubernets\n").issues())
        #expect(issue?.code == .invalidValue)
        #expect(issue?.path == "environments.dev.target")
        #expect(issue?.line == 4)
    }

    @Test("an unknown environment lists the known ones")
    func unknownEnvironment() throws {
        let issue = only(try ConfigFixture(project("  api: {command: [a]}")).issues(env: "staging"))
        #expect(issue?.code == .unknownEnvironment)
        #expect(issue?.message == "unknown environment 'staging' (known: dev)")
    }

    @Test("an unknown template gets a did-you-mean")
    func unknownTemplate() throws {
        let fixture = try ConfigFixture(project("  api:\n    template: servce\n    command: [a]", extra: "templates:\n  service: {port: 80}"))
        let issue = only(fixture.issues())
        #expect(issue?.code == .unknownTemplate)
        #expect(issue?.path == "deployments.api.template")
        #expect(issue?.line == 9)
        #expect(issue?.hint?.hasPrefix("did you mean 'service'?") == true)
    }

    @Test("templates that refer to each other are a template-cycle")
    func templateCycle() throws {
        let fixture = try ConfigFixture(project("  api:\n    template: a\n    command: [x]", extra: "templates:\n  a: {template: b}\n  b: {template: a}"))
        #expect(fixture.issues().map(\.code) == [.templateCycle])
    }

    @Test("a flow name that was not discovered is an unknown-flow")
    func unknownFlow() throws {
        let issue = only(try ConfigFixture(project("  job:\n    flow: ingets")).issues())
        #expect(issue?.code == .unknownFlow)
        #expect(issue?.path == "deployments.job.flow")
        #expect(issue?.line == 8)
        #expect(issue?.hint?.hasPrefix("did you mean 'ingest'?") == true)
    }

    @Test("an entrypoint file:function resolves like a name")
    func entrypoint() throws {
        #expect(try ConfigFixture(project("  job:\n    flow: flows/demo.py:ingest\n    parameters: {source: x}")).issues() == [])
    }

    @Test("a parameter not in the flow's signature is an unknown-parameter")
    func unknownParameter() throws {
        let issue = only(try ConfigFixture(project("  job:\n    flow: ingest\n    parameters:\n      source: x\n      limt: 3")).issues())
        #expect(issue?.code == .unknownParameter)
        #expect(issue?.path == "deployments.job.parameters.limt")
        #expect(issue?.line == 11)
    }

    @Test("**kwargs accepts any parameter")
    func kwargs() throws {
        #expect(try ConfigFixture(project("  job:\n    flow: open-ended\n    parameters: {anything: 1}")).issues() == [])
    }

    @Test("a required parameter without a value is a missing-parameter")
    func missingParameter() throws {
        let issue = only(try ConfigFixture(project("  job:\n    flow: ingest")).issues())
        #expect(issue?.code == .missingParameter)
        #expect(issue?.path == "deployments.job.parameters.source")
        #expect(issue?.line == 8)
    }

    @Test("literal values that contradict simple annotations are parameter-type issues")
    func parameterType() throws {
        let fixture = try ConfigFixture(project("""
              job:
                flow: ingest
                parameters: {source: 1, limit: "10", ratio: 2, tags: [a], dry_run: "no"}
            """))
        let issues = fixture.issues()
        #expect(issues.map(\.code) == [.parameterType, .parameterType, .parameterType])
        #expect(issues.map(\.path) == ["deployments.job.parameters.dry_run", "deployments.job.parameters.limit", "deployments.job.parameters.source"])
        #expect(issues.allSatisfy { $0.line == 9 })
    }

    @Test("an invalid cron expression says which field is wrong")
    func invalidCron() throws {
        let issue = only(try ConfigFixture(project("  job:\n    flow: open-ended\n    schedule:\n      cron: \"0 25 * * *\"")).issues())
        #expect(issue?.code == .invalidCron)
        #expect(issue?.path == "deployments.job.schedule.cron")
        #expect(issue?.line == 10)
        #expect(issue?.message.contains("hour field '25': 25 is outside 0–23") == true)
    }

    @Test("a schedule with both cron and interval, or an unknown timezone, is invalid-schedule")
    func invalidSchedule() throws {
        let fixture = try ConfigFixture(project("  job:\n    flow: open-ended\n    schedule: {cron: \"@daily\", interval: 60, timezone: Mars/Olympus}"))
        #expect(fixture.issues().map(\.code) == [.invalidSchedule, .invalidSchedule])
    }

    @Test("the same key twice is a duplicate-key")
    func duplicateKey() throws {
        let issue = only(try ConfigFixture(project("  api:\n    command: [a]\n  api:\n    command: [b]")).issues())
        #expect(issue?.code == .duplicateKey)
        #expect(issue?.file == "crank.yaml")
        #expect(issue?.line == 7)
        #expect(issue?.message.hasPrefix("key 'api' appears more than once") == true)
    }

    @Test("hostile names are rejected before they reach a path")
    func hostileName() throws {
        let issue = only(try ConfigFixture(project("  ../../etc:\n    command: [a]")).issues())
        #expect(issue?.code == .invalidName)
        #expect(issue?.path == "deployments.../../etc")
        #expect(issue?.line == 7)
        let env = try ConfigFixture(project("  api: {command: [a]}")).issues(env: "../dev")
        #expect(env.map(\.code) == [.invalidName])
    }

    @Test("two services on one port are a port-clash")
    func portClash() throws {
        let issue = only(try ConfigFixture(project("  a: {command: [x], port: 8080}\n  b: {command: [y], port: 8080}")).issues())
        #expect(issue?.code == .portClash)
        #expect(issue?.path == "deployments.b.port")
        #expect(issue?.line == 8)
    }

    @Test("an unset variable without default is an unset-variable; defaults and set ones expand")
    func unsetVariable() throws {
        let fixture = try ConfigFixture(project("  a:\n    command: [x, \"${HOME_DIR}\", \"${MODE:-fast}\", \"${SET}\"]"))
        let issue = only(fixture.issues(environment: ["SET": "yes"]))
        #expect(issue?.code == .unsetVariable)
        #expect(issue?.path == "deployments.a.command[1]")
        #expect(issue?.line == 8)
        let (effective, _) = fixture.load(environment: ["SET": "yes", "HOME_DIR": "/h"])
        #expect(effective?.config.deployments.first?.command == ["x", "/h", "fast", "yes"])
    }

    @Test("a secret without a value is a missing-secret; the secrets file or the environment provides it")
    func missingSecret() throws {
        let fixture = try ConfigFixture(project("  a:\n    command: [x]\n    secrets: [API_TOKEN]"))
        let issue = only(fixture.issues())
        #expect(issue?.code == .missingSecret)
        #expect(issue?.path == "deployments.a.secrets[0]")
        #expect(issue?.line == 9)
        #expect(fixture.issues(environment: ["API_TOKEN": "from-env"]) == [])
        try fixture.tree.write(".crank/secrets/dev.env", "# comment\nexport API_TOKEN='from-file'\n")
        #expect(fixture.issues() == [])
    }

    @Test("a deployment with both flow and command, or neither, is reported")
    func deploymentShape() throws {
        let both = only(try ConfigFixture(project("  a:\n    flow: open-ended\n    command: [x]")).issues())
        #expect(both?.code == .conflictingKeys)
        #expect(both?.line == 7)
        let neither = only(try ConfigFixture(project("  a:\n    tags: [x]")).issues())
        #expect(neither?.code == .missingKey)
    }

    @Test("a flow file that does not parse is reported with its file and line")
    func flowFile() throws {
        let fixture = try ConfigFixture(project("  a: {command: [x]}"), files: ["flows/demo.py": "from prefect import flow\nx = (\n"])
        let issue = only(fixture.issues())
        #expect(issue?.code == .flowFile)
        #expect(issue?.file == "flows/demo.py")
        #expect(issue?.line == 2)
    }

    @Test("every issue is collected in one pass")
    func collectsAll() throws {
        let fixture = try ConfigFixture(project("  a: {command: [x], port: 0}\n  b: {flow: nope, prot: 1}\n  C: {command: [y]}"))
        #expect(Set(fixture.issues().map(\.code)) == [.invalidValue, .unknownKey, .unknownFlow, .invalidName])
    }

    @Test("a flow in a local environment without a Prefect API is a missing-key naming the setting")
    func localFlowNeedsPrefect() throws {
        let yaml = "project: demo\nenvironments:\n  dev: {target: local}\ndeployments:\n  job:\n    flow: open-ended\n"
        let issue = only(try ConfigFixture(yaml).issues())
        #expect(issue?.code == .missingKey)
        #expect(issue?.path == "environments.dev.prefect.api_url")
        #expect(issue?.line == 6)
    }
}
