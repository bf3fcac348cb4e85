import CrankTestSupport
import Foundation
import Testing

/// A copy of examples/rpa-platform in a temporary folder.
func exampleCopy() throws -> TemporaryTree {
    let tree = try TemporaryTree()
    let source = Checkout.root + "/examples/rpa-platform"
    for item in try FileManager.default.contentsOfDirectory(atPath: source) where item != ".crank" {
        try FileManager.default.copyItem(atPath: source + "/" + item, toPath: tree.path(item))
    }
    return tree
}

/// The example's dev overlay lists pandoc under `requires.optional_executables` (the worker runs
/// degraded without it); this makes pandoc required in dev again, as in prod.
func requirePandocInDev(_ tree: TemporaryTree) throws {
    let overlay = tree.path("deployment/environments/dev.yaml")
    let text = try String(contentsOfFile: overlay, encoding: .utf8)
    let strict = text.components(separatedBy: "\n").filter { !$0.contains("executables") && !$0.hasPrefix("    requires:") }
    try strict.joined(separator: "\n").write(toFile: overlay, atomically: true, encoding: .utf8)
}

@Suite("crank validate / config / doctor / checklist (the built binary)")
struct ConfigCommandsTests {
    @Test("validate --json lists every issue with file, line, column, path, code and hint; a secret without a value is a warning, an error with --require-secrets")
    func validateJSON() throws {
        let tree = try exampleCopy()
        let lenient = try ProcessRunner.crank(["validate", "--env", "dev", "--json", "-C", tree.root])
        #expect(lenient.status == 0, "\(lenient.stdout)")
        let warnings = try #require(try lenient.jsonObject()["issues"] as? [[String: Any]])
        #expect(warnings.map { $0["severity"] as? String } == ["warning"])
        #expect((warnings.first?["message"] as? String)?.contains("build, plan and deploy will need it") == true)

        let output = try ProcessRunner.crank(["validate", "--env", "dev", "--json", "--require-secrets", "-C", tree.root])
        #expect(output.status == 1)
        let document = try output.jsonObject()
        #expect(document["environments"] as? [String] == ["dev"])
        let issues = try #require(document["issues"] as? [[String: Any]])
        #expect(issues.count == 1)
        #expect(Set(issues[0].keys) == ["file", "line", "column", "path", "severity", "code", "message", "hint"])
        #expect(issues[0]["code"] as? String == "missing-secret")
        #expect(issues[0]["severity"] as? String == "error")
        #expect(issues[0]["path"] as? String == "deployments.model-api.secrets[0]")
        #expect(issues[0]["file"] as? String == "crank.yaml")

        let build = try ProcessRunner.crank(["build", "--env", "dev", "-C", tree.root])
        #expect(build.status == 1, "build needs the secret's value")
        #expect(build.stderr.contains("secret MODEL_API_TOKEN has no value"), "\(build.stderr)")
    }

    @Test("validate passes on the example when the secret is set")
    func validateOK() throws {
        let output = try ProcessRunner.crank(["validate", "-C", Checkout.root + "/examples/rpa-platform"], environment: ["MODEL_API_TOKEN": "abc12345"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr == "config is valid (dev, staging, prod); 0 warnings\n")
    }

    @Test("validate --format github prints workflow commands")
    func github() throws {
        let tree = try TemporaryTree(["crank.yaml": "project: demo\nenvironments: {dev: {target: local}}\ndeployments:\n  api: {command: [x], prot: 1}\n"])
        let output = try ProcessRunner.crank(["validate", "--format", "github", "-C", tree.root])
        #expect(output.status == 1)
        #expect(output.stdout.hasPrefix("::error file=crank.yaml,line=4,col=23,title=crank unknown-key::deployments.api.prot: unknown key 'prot' (hint: did you mean 'port'?"))
    }

    @Test("malformed YAML is one clear error with file and line, exit 1")
    func malformed() throws {
        let tree = try TemporaryTree(["crank.yaml": "project: demo\ndeployments:\n  api: {command: [x]\n"])
        let output = try ProcessRunner.crank(["validate", "-C", tree.root])
        #expect(output.status == 1)
        #expect(output.stderr.hasPrefix("error: crank.yaml:4:1: invalid YAML"))
        #expect(output.stderr.contains("[yaml-syntax]\nhint: "))
    }

    @Test("config shows each value's source layer")
    func config() throws {
        let output = try ProcessRunner.crank(["config", "--env", "dev", "-C", Checkout.root + "/examples/rpa-platform"])
        #expect(output.status == 0)
        let port = output.stdout.split(separator: "\n").first { $0.hasPrefix("deployments.model-api.port ") }
        #expect(port?.hasSuffix("# deployment/environments/dev.yaml:15") == true)
        #expect(port?.contains("= 18080") == true)
    }

    @Test("config for an unknown environment is an error naming the known ones")
    func unknownEnvironment() throws {
        let output = try ProcessRunner.crank(["config", "--env", "qa", "-C", Checkout.root + "/examples/rpa-platform"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("unknown environment 'qa' (known: dev, prod, staging)"))
    }

    @Test("doctor reports a missing executable with install hints and exits 1; an optional one is a warning, exit 0")
    func doctor() throws {
        let tree = try exampleCopy()
        let lenient = try ProcessRunner.crank(["doctor", "--env", "dev", "-C", tree.root], environment: ["PATH": "/usr/bin:/bin"])
        #expect(lenient.status == 0, "dev lists pandoc under requires.optional_executables: \(lenient.stderr)")
        #expect(lenient.stdout.contains("optional  executable   pandoc"))
        #expect(lenient.stderr.contains("warning: executable pandoc is missing; doc-converter runs without it"))

        try requirePandocInDev(tree)
        let output = try ProcessRunner.crank(["doctor", "--env", "dev", "--json", "-C", tree.root], environment: ["PATH": "/usr/bin:/bin"])
        #expect(output.status == 1)
        let checks = try #require(try output.jsonObject()["checks"] as? [[String: Any]])
        let pandoc = try #require(checks.first { $0["name"] as? String == "pandoc" })
        #expect(pandoc["status"] as? String == "missing")
        #expect(pandoc["required_by"] as? [String] == ["doc-converter"])  // dev removes the flow deployments
        #expect((pandoc["hint"] as? [String: Any])?["apt"] as? String == "apt-get install -y pandoc")
    }

    @Test("checklist new writes once and refuses to overwrite; status counts items")
    func checklist() throws {
        let tree = try TemporaryTree()
        let first = try ProcessRunner.crank(["checklist", "new", "ocr-worker", "--json", "-C", tree.root])
        #expect(first.status == 0)
        let file = try #require(try first.jsonObject()["file"] as? String)
        #expect(file.hasPrefix("deployment/migrations/ocr-worker-"))
        let second = try ProcessRunner.crank(["checklist", "new", "ocr-worker", "-C", tree.root])
        #expect(second.status == 1)
        #expect(second.stderr.contains("already exists; not overwritten"))
        let status = try ProcessRunner.crank(["checklist", "status", file], in: tree.root)
        let lines = status.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(lines.count == 8)
        #expect(lines.last?.first == "total")
        #expect(lines.last?.last?.hasPrefix("0/") == true)
    }

    @Test("a secret's value appears in no output and no file, whatever the command")
    func secretsNeverLeak() throws {
        let tree = try exampleCopy()
        let secret = "tok-\(UUID().uuidString)"
        // The secret also reaches an env value through interpolation.
        let overlay = try String(contentsOfFile: tree.path("deployment/environments/dev.yaml"), encoding: .utf8)
        try tree.write("deployment/environments/dev.yaml", overlay.replacingOccurrences(
            of: "      ALLOW_MISSING_PANDOC: \"1\"", with: "      UPSTREAM_TOKEN: \"${MODEL_API_TOKEN}\"\n      ALLOW_MISSING_PANDOC: \"1\""))
        let environment = ["MODEL_API_TOKEN": secret]
        let commands: [[String]] = [
            ["discover"], ["discover", "--json"], ["validate"], ["validate", "--json"], ["validate", "--format", "github"],
            ["config", "--env", "dev"], ["config", "--env", "dev", "--json"], ["doctor", "--env", "dev"], ["doctor", "--env", "dev", "--json"],
            ["checklist", "new", "w1"],
        ]
        for command in commands {
            let output = try ProcessRunner.crank(command + ["-C", tree.root], environment: environment)
            #expect(!output.stdout.contains(secret), "\(command) stdout")
            #expect(!output.stderr.contains(secret), "\(command) stderr")
        }
        let config = try ProcessRunner.crank(["config", "--env", "dev", "-C", tree.root], environment: environment)
        #expect(config.status == 0)
        #expect(config.stdout.contains("deployments.doc-converter.env.UPSTREAM_TOKEN"))
        #expect(config.stdout.contains("\"[redacted:MODEL_API_TOKEN]\""))
        #expect(try ProcessRunner.crank(["validate", "--env", "dev", "-C", tree.root], environment: environment).status == 0)
        let files = FileManager.default.enumerator(atPath: tree.root)!.compactMap { $0 as? String }
        for file in files {
            let data = FileManager.default.contents(atPath: tree.path(file)) ?? Data()
            #expect(!String(decoding: data, as: UTF8.self).contains(secret), "\(file)")
        }
    }
}

/// Hosts and roles through the built binary.
extension ConfigCommandsTests {
    static let hostsYAML = """
        project: demo
        environments:
          prod:
            target: local
            hosts:
              web-1: {address: 10.0.0.11}
              web-2: {address: 10.0.0.12, port: 2222}
            roles:
              web: [web-1, web-2]
        deployments:
          api: {command: [python3, api.py], port: 8080, role: wbe}

        """

    @Test("validate reports a deployment on an unknown role with its key path and exits 1")
    func validateUnknownRole() throws {
        let tree = try TemporaryTree(["crank.yaml": Self.hostsYAML])
        let output = try ProcessRunner.crank(["validate", "--env", "prod", "-C", tree.root])
        #expect(output.status == 1)
        #expect(output.stderr.contains("error: crank.yaml:11:55: deployments.api.role: "), "\(output.stderr)")
        #expect(output.stderr.contains("[unknown-role]\nhint: did you mean 'web'?"), "\(output.stderr)")
    }

    @Test("config shows hosts and roles with the file and line of each value")
    func configHosts() throws {
        let tree = try TemporaryTree(["crank.yaml": Self.hostsYAML.replacingOccurrences(of: "role: wbe", with: "role: web")])
        let output = try ProcessRunner.crank(["config", "--env", "prod", "-C", tree.root])
        #expect(output.status == 0, "\(output.stderr)")
        let lines = output.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(lines.contains("environments.prod.hosts.web-2.port = 2222 # crank.yaml:7"), "\(output.stdout)")
        #expect(lines.contains("environments.prod.roles.web[1] = \"web-2\" # crank.yaml:9"))
        #expect(lines.contains("deployments.api.role = \"web\" # crank.yaml:11"))
    }
}
