import CrankTestSupport
import Foundation
import Testing
@testable import DeployCore

@Suite("Loading config: overlays, templates, interpolation, limits")
struct ConfigLoaderTests {
    let base = """
        project: demo
        templates:
          service: {port: 9000, env: {LOG_LEVEL: info, MODE: base}, tags: [svc]}
        deployments:
          api:
            template: service
            command: [python3, api.py]
            env: {MODE: api}
            schedule: {interval: 60}
        environments:
          dev: {target: local}
          prod: {target: container}
        """

    @Test("an overlay merges maps, replaces lists and removes keys set to null; each value keeps its file and line")
    func overlay() throws {
        let fixture = try ConfigFixture(base, overlays: ["prod": """
            deployments:
              api:
                command: [gunicorn, api:app]
                env: {LOG_LEVEL: warning}
                schedule: null
            """])
        let (effective, issues) = fixture.load(env: "prod")
        #expect(issues == [])
        let api = try #require(effective?.config.deployments.first)
        #expect(api.command == ["gunicorn", "api:app"])
        #expect(api.env == ["LOG_LEVEL": "warning", "MODE": "api"])
        #expect(api.schedule == nil)
        #expect(api.port == 9000)
        #expect(api.tags == ["svc"])
        #expect(effective?.layers == ["crank.yaml", "deployment/environments/prod.yaml"])
        #expect(effective?.location("deployments.api.env.LOG_LEVEL") == SourceLocation(file: "deployment/environments/prod.yaml", line: 4, column: 22))
        #expect(effective?.location("deployments.api.port")?.file == "crank.yaml")
        #expect(effective?.location("deployments.api.port")?.line == 3)
    }

    @Test("an environment declared in crank.yaml needs no overlay file; an overlay file alone declares one")
    func environments() throws {
        let fixture = try ConfigFixture(base, overlays: ["qa": "environments: {qa: {target: local}}\n"])
        #expect(fixture.load(env: "dev").1 == [])
        #expect(fixture.load(env: "qa").0?.config.environment("qa")?.target == .local)
    }

    @Test("an overlay without a target for its environment is a missing-key")
    func overlayWithoutTarget() throws {
        let fixture = try ConfigFixture(base, overlays: ["qa": "deployments: {api: {port: 1}}\n"])
        #expect(fixture.load(env: "qa").1.map(\.code) == [.missingKey])
    }

    @Test("a 50 MB config file is refused without being read")
    func hugeFile() throws {
        let tree = try TemporaryTree()
        let handle = try #require(FileHandle(forWritingAtPath: { FileManager.default.createFile(atPath: tree.path("crank.yaml"), contents: nil); return tree.path("crank.yaml") }()))
        try handle.truncate(atOffset: 50 * 1_048_576)
        try handle.close()
        let (_, issues) = ConfigLoader(root: tree.root, processEnvironment: [:]).load(environment: nil)
        #expect(issues.map(\.code) == [.fileTooLarge])
        #expect(issues.first?.file == "crank.yaml")
    }

    @Test("a YAML alias bomb is stopped by the node budget")
    func aliasBomb() throws {
        var yaml = "project: demo\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1..<9 { yaml += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
        let tree = try TemporaryTree(["crank.yaml": yaml])
        let (config, issues) = ConfigLoader(root: tree.root, processEnvironment: [:]).load(environment: nil)
        #expect(config == nil)
        #expect(issues.map(\.code) == [.fileTooLarge])
        #expect(issues.first?.message.contains("alias bomb") == true)
    }

    @Test("no crank.yaml is a missing-file with a hint")
    func noConfig() throws {
        let tree = try TemporaryTree()
        let (_, issues) = ConfigLoader(root: tree.root, processEnvironment: [:]).load(environment: "dev")
        #expect(issues.map(\.code) == [.missingFile])
        #expect(issues.first?.hint?.contains("-C") == true)
    }

    @Test("crank config lists each value with the layer it came from and redacts secret values")
    func listing() throws {
        let fixture = try ConfigFixture(base, overlays: ["dev": "deployments:\n  api:\n    env: {TOKEN: \"${API_TOKEN}\"}\n    secrets: [API_TOKEN]\n"])
        let secret = "s3cr3t-value-42"
        let (effective, issues) = fixture.load(env: "dev", environment: ["API_TOKEN": secret])
        #expect(issues == [])
        let store = SecretStore(values: ["API_TOKEN": secret])
        let listing = ConfigListing(effective: try #require(effective), redactor: store.redactor(for: ["API_TOKEN"]))
        let token = listing.values.first { $0.path == "deployments.api.env.TOKEN" }
        #expect(token?.value == .string("[redacted:API_TOKEN]"))
        #expect(token?.source == "deployment/environments/dev.yaml:3")
        #expect(listing.values.first { $0.path == "deployments.api.env.LOG_LEVEL" }?.source == "crank.yaml:3")
        let json = String(decoding: try JSONEncoder().encode(listing), as: UTF8.self)
        #expect(!json.contains(secret))
    }

    @Test("interpolation: $${ is a literal, defaults apply to empty values")
    func interpolation() {
        var issues: [ConfigIssue] = []
        let interpolator = VariableInterpolator(environment: ["EMPTY": "", "A": "1"])
        #expect(interpolator.expand("$${A} ${A} ${EMPTY:-d} $5 ${A", at: nil, path: "x", issues: &issues) == "${A} 1 d $5 ${A")
        #expect(issues.isEmpty)
    }
}
