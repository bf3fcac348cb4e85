import Foundation
import Testing
@testable import DeployCore

/// A project whose `prod` environment runs on three hosts; `dev` stays on this machine.
/// Placement lives in the prod overlay, so dev needs none (dev moves ocr to another port).
let hostsProject = """
    project: demo
    environments:
      dev: {target: local}
      prod:
        target: local
        hosts:
          web-1: {address: 10.0.0.11}
          web-2: {address: 10.0.0.12, port: 2222, user: deploy}
          gpu-1: {address: 10.0.0.21, root: /srv/rpa}
        roles:
          web: [web-1, web-2]
          workers: [gpu-1]
        ssh:
          identity_file: keys/id_ed25519
          known_hosts: deployment/known_hosts
    deployments:
      api: {command: [python3, api.py], port: 8080}
      ocr: {command: [python3, ocr.py], port: 8080}
    """

let hostsOverlay = """
    deployments:
      api: {role: web}
      ocr: {hosts: [gpu-1]}
    """

/// The hosts project (or a patched copy) with its key files and the prod overlay.
func hostsFixture(_ yaml: String = hostsProject, overlay: String = hostsOverlay, files: [String: String] = [:]) throws -> ConfigFixture {
    var all = files
    all["keys/id_ed25519"] = all["keys/id_ed25519"] ?? "not a real key\n"
    all["deployment/known_hosts"] = all["deployment/known_hosts"] ?? ""
    return try ConfigFixture(yaml, overlays: ["prod": overlay, "dev": "deployments:\n  ocr: {port: 9090}\n"], files: all)
}

extension String {
    /// The text with one exact occurrence of `old` replaced (the test fails when it is missing).
    func patched(_ old: String, with new: String) -> String {
        #expect(contains(old), "fixture has no \(old)")
        return replacingOccurrences(of: old, with: new)
    }
}

@Suite("hosts, roles and ssh settings of an environment")
struct HostsConfigTests {
    func codesAndPaths(_ issues: [ConfigIssue]) -> [String] {
        issues.map { "\($0.code.rawValue) \($0.path)" }
    }

    @Test("a valid multi-host project has no issues in any environment")
    func valid() throws {
        #expect(try hostsFixture().issues(env: nil) == [])
    }

    @Test("hosts, roles, ssh and placement decode to the typed spec; paths become absolute")
    func decodes() throws {
        let fixture = try hostsFixture()
        let (effective, issues) = fixture.load(env: "prod")
        #expect(issues == [])
        let prod = try #require(effective?.config.environment("prod"))
        #expect(prod.hosts == [
            HostSpec(name: "web-1", address: "10.0.0.11", root: "crank/demo"),
            HostSpec(name: "web-2", address: "10.0.0.12", port: 2222, user: "deploy", root: "crank/demo"),
            HostSpec(name: "gpu-1", address: "10.0.0.21", root: "/srv/rpa"),
        ])
        #expect(prod.roles == ["web": ["web-1", "web-2"], "workers": ["gpu-1"]])
        #expect(prod.hasHosts)
        var ssh = SSHSettings()
        ssh.identityFile = fixture.tree.root + "/keys/id_ed25519"
        ssh.knownHosts = fixture.tree.root + "/deployment/known_hosts"
        #expect(prod.ssh == ssh)
        let deployments = effective?.config.deployments ?? []
        #expect(deployments.map(\.role) == ["web", nil])
        #expect(deployments.map(\.hosts) == [[], ["gpu-1"]])
        let dev = try #require(fixture.load(env: "dev").0?.config.environment("dev"))
        #expect(!dev.hasHosts && dev.roles.isEmpty && dev.ssh == SSHSettings())
    }

    @Test("identity_file ~/ expands to HOME; max_parallel and connect_timeout are read")
    func sshSettings() throws {
        let yaml = hostsProject.patched("identity_file: keys/id_ed25519", with: "identity_file: ~/.ssh/id_ed25519\n      max_parallel: 3\n      connect_timeout: 5")
        let (effective, _) = try hostsFixture(yaml).load(env: "prod", environment: ["HOME": "/home/ops"])
        let ssh = try #require(effective?.config.environment("prod")?.ssh)
        #expect(ssh.identityFile == "/home/ops/.ssh/id_ed25519")
        #expect(ssh.maxParallel == 3)
        #expect(ssh.connectTimeout == 5)
    }

    @Test("hosts(for:) is the union of role and hosts in the environment's host order, without duplicates")
    func hostsForDeployment() {
        var env = EnvironmentSpec(name: "prod", target: .container)
        env.hosts = ["a", "b", "c", "d"].map { HostSpec(name: $0, address: "10.0.0.1", root: "r") }
        env.roles = ["web": ["c", "a"]]
        var deployment = DeploymentSpec(name: "api")
        deployment.role = "web"
        deployment.hosts = ["d", "a"]
        #expect(env.hosts(for: deployment).map(\.name) == ["a", "c", "d"])
        deployment.role = nil
        #expect(env.hosts(for: deployment).map(\.name) == ["a", "d"])
        #expect(env.hosts(for: DeploymentSpec(name: "x")) == [])
        deployment.role = "web"
        #expect(EnvironmentSpec(name: "dev", target: .local).hosts(for: deployment) == [])
    }

    @Test("schema errors in hosts and ssh name the key path, with a did-you-mean")
    func schema() throws {
        let yaml = hostsProject
            .patched("web-1: {address: 10.0.0.11}", with: "web-1: {adress: 10.0.0.11}")
            .patched("port: 2222", with: "port: \"22a\"")
            .patched("root: /srv/rpa}", with: "root: /srv/rpa, port: 70000}")
            .patched("known_hosts: deployment/known_hosts", with: "known_hosts: deployment/known_hosts\n      max_paralel: 2\n      connect_timeout: 301")
        let issues = try hostsFixture(yaml).issues(env: "prod")
        #expect(codesAndPaths(issues) == [
            "unknown-key environments.prod.hosts.web-1.adress",
            "missing-key environments.prod.hosts.web-1.address",
            "wrong-type environments.prod.hosts.web-2.port",
            "invalid-value environments.prod.hosts.gpu-1.port",
            "unknown-key environments.prod.ssh.max_paralel",
            "invalid-value environments.prod.ssh.connect_timeout",
        ])
        #expect(issues.first?.hint?.hasPrefix("did you mean 'address'?") == true)
        #expect(issues.first?.line == 7)
        #expect(issues[4].hint?.hasPrefix("did you mean 'max_parallel'?") == true)
    }

    @Test("host and role names follow the name rules; wrong shapes are wrong-type")
    func namesAndShapes() throws {
        let yaml = hostsProject
            .patched("gpu-1: {address: 10.0.0.21, root: /srv/rpa}", with: "GPU_1: {address: 10.0.0.21}\n      db-1: 10.0.0.30")
            .patched("workers: [gpu-1]", with: "workers: gpu-1")
            .patched("known_hosts: deployment/known_hosts", with: "known_hosts: deployment/known_hosts\n      max_parallel: 0")
        let issues = try hostsFixture(yaml, overlay: "deployments:\n  api: {role: web}\n  ocr: {hosts: web-1}\n").issues(env: "prod")
        #expect(codesAndPaths(issues) == [
            "wrong-type deployments.ocr.hosts",
            "invalid-name environments.prod.hosts.GPU_1",
            "wrong-type environments.prod.hosts.db-1",
            "wrong-type environments.prod.roles.workers",
            "invalid-value environments.prod.ssh.max_parallel",
            "missing-placement deployments.ocr",
        ])
    }

    @Test("address, user and root are checked against their characters")
    func fieldSyntax() throws {
        let yaml = hostsProject
            .patched("{address: 10.0.0.11}", with: "{address: \"-oProxyCommand=sh\", user: 9bad, root: \"../up\"}")
            .patched("address: 10.0.0.12,", with: "address: \"10.0.0.12 \",")
            .patched("root: /srv/rpa}", with: "root: \"-rf\"}")
        let issues = try hostsFixture(yaml).issues(env: "prod")
        #expect(codesAndPaths(issues) == [
            "invalid-value environments.prod.hosts.web-1.address",
            "invalid-value environments.prod.hosts.web-1.user",
            "invalid-value environments.prod.hosts.web-1.root",
            "invalid-value environments.prod.hosts.web-2.address",
            "invalid-value environments.prod.hosts.gpu-1.root",
        ])
        #expect(issues.first?.line == 7)
    }

    @Test("an IPv6 address, a DNS name, a dotted user and a nested absolute root are fine")
    func fieldSyntaxAccepts() throws {
        let yaml = hostsProject
            .patched("{address: 10.0.0.11}", with: "{address: \"fe80::1\", user: svc.deploy_1, root: /srv/a..b/rel}")
            .patched("address: 10.0.0.12,", with: "address: web-2.example.com,")
        #expect(try hostsFixture(yaml).issues(env: "prod") == [])
        #expect(TextRules.isHostAddress("fe80::1") && !TextRules.isHostAddress("") && !TextRules.isHostAddress("a\nb"))
        #expect(TextRules.isRemotePath("crank/demo") && !TextRules.isRemotePath("a/../b") && !TextRules.isRemotePath(""))
    }

    @Test("unknown hosts and roles are errors with a did-you-mean")
    func references() throws {
        let yaml = hostsProject.patched("web: [web-1, web-2]", with: "web: [web-1, web-3]")
        let issues = try hostsFixture(yaml, overlay: "deployments:\n  api: {role: wbe}\n  ocr: {hosts: [gpu-2]}\n").issues(env: "prod")
        #expect(codesAndPaths(issues) == [
            "unknown-role deployments.api.role",
            "unknown-host deployments.ocr.hosts[0]",
            "unknown-host environments.prod.roles.web[1]",
        ])
        #expect(issues.map { String($0.hint?.prefix(22) ?? "") } == ["did you mean 'web'? ro", "did you mean 'gpu-1'? ", "did you mean 'web-1'? "])
        #expect(issues[0].file == "deployment/environments/prod.yaml")
        #expect(issues[0].line == 2)
    }

    @Test("in an environment with hosts a service must be placed; a flow must not be")
    func placement() throws {
        let yaml = hostsProject
            .patched("    ssh:", with: "    prefect: {api_url: \"http://127.0.0.1:4200/api\"}\n    ssh:")
            .patched("deployments:\n", with: "deployments:\n  ingest: {flow: ingest, parameters: {source: s}}\n  admin: {command: [python3, admin.py]}\n")
        let issues = try hostsFixture(yaml, overlay: hostsOverlay + "\n  ingest: {role: web}\n").issues(env: "prod")
        #expect(codesAndPaths(issues) == ["invalid-placement deployments.ingest.role", "missing-placement deployments.admin"])
        #expect(issues[1].hint?.contains("role: web") == true)
    }

    @Test("a role that lists no hosts leaves its deployment on no host")
    func emptyRole() throws {
        let yaml = hostsProject.patched("workers: [gpu-1]", with: "workers: []")
        let issues = try hostsFixture(yaml, overlay: "deployments:\n  api: {role: web}\n  ocr: {role: workers}\n").issues(env: "prod")
        #expect(codesAndPaths(issues) == ["missing-placement deployments.ocr.role"])
    }

    @Test("role or hosts while the environment has no hosts is an error naming the environment")
    func placementWithoutHosts() throws {
        let fixture = try ConfigFixture(project("  api: {command: [a], role: web}\n  w: {command: [b], hosts: [web-1]}"))
        let issues = fixture.issues()
        #expect(codesAndPaths(issues) == ["invalid-placement deployments.api.role", "invalid-placement deployments.w.hosts"])
        #expect(issues.first?.message.contains("environment 'dev' runs on this machine") == true)
        #expect(issues.first?.hint?.contains("add `hosts:`") == true)
    }

    @Test("two deployments on one port of one host clash; the same port on different hosts does not")
    func portsPerHost() throws {
        let overlay = hostsOverlay + "\n  admin: {command: [python3, admin.py], port: 8080, hosts: [gpu-1, web-2]}\n"
        let issues = try hostsFixture(overlay: overlay).issues(env: "prod")
        #expect(codesAndPaths(issues) == ["port-clash deployments.admin.port", "port-clash deployments.admin.port"])
        #expect(issues.map(\.message) == [
            "port 8080 on host web-2 is also used by deployment 'api'",
            "port 8080 on host gpu-1 is also used by deployment 'ocr'",
        ])
        #expect(try hostsFixture().issues(env: "prod") == [])  // api and ocr share 8080 on different hosts
    }

    @Test("a missing identity file or known_hosts file is an error with the fix")
    func sshFiles() throws {
        let fixture = try ConfigFixture(hostsProject, overlays: ["prod": hostsOverlay])  // no key files
        let issues = fixture.issues(env: "prod")
        #expect(codesAndPaths(issues) == ["missing-file environments.prod.ssh.identity_file", "missing-file environments.prod.ssh.known_hosts"])
        #expect(issues[1].hint?.contains("ssh-keyscan -p 22 10.0.0.11 10.0.0.21 >> deployment/known_hosts") == true)
        #expect(issues[1].hint?.contains("ssh-keyscan -p 2222 10.0.0.12 >> deployment/known_hosts") == true)
        #expect(issues[0].line == 14)
    }

    @Test("the ssh-keyscan fix never includes an address that failed its check")
    func keyscanSkipsBadAddress() throws {
        let yaml = hostsProject.patched("address: 10.0.0.12,", with: "address: \"-oProxyCommand=sh\",")
        let issues = try ConfigFixture(yaml, overlays: ["prod": hostsOverlay], files: ["keys/id_ed25519": "k"]).issues(env: "prod")
        #expect(codesAndPaths(issues) == ["invalid-value environments.prod.hosts.web-2.address", "missing-file environments.prod.ssh.known_hosts"])
        #expect(issues[1].hint?.contains("ssh-keyscan -p 22 10.0.0.11 10.0.0.21 >> deployment/known_hosts`") == true)
        #expect(issues[1].hint?.contains("ProxyCommand") == false)
    }

    @Test("identity_secret: not with identity_file, an environment variable name, and it needs a value")
    func identitySecret() throws {
        let both = hostsProject.patched("identity_file: keys/id_ed25519", with: "identity_file: keys/id_ed25519\n      identity_secret: DEPLOY_KEY")
        #expect(codesAndPaths(try hostsFixture(both).issues(env: "prod", environment: ["DEPLOY_KEY": "----key----"]))
            == ["conflicting-keys environments.prod.ssh.identity_secret"])
        let badName = hostsProject.patched("identity_file: keys/id_ed25519", with: "identity_secret: deploy-key")
        #expect(codesAndPaths(try hostsFixture(badName).issues(env: "prod")) == ["invalid-name environments.prod.ssh.identity_secret"])
        let unset = hostsProject.patched("identity_file: keys/id_ed25519", with: "identity_secret: DEPLOY_KEY")
        #expect(codesAndPaths(try hostsFixture(unset).issues(env: "prod")) == ["missing-secret environments.prod.ssh.identity_secret"])
        #expect(try hostsFixture(unset).issues(env: "prod", environment: ["DEPLOY_KEY": "----key----"]) == [])
    }

    @Test("hosts on a Prefect environment are a target mismatch")
    func prefectHosts() throws {
        let yaml = hostsProject
            .patched("target: local\n    hosts:", with: "target: prefect\n    prefect: {api_url: \"http://x/api\", work_pool: p}\n    hosts:")
            .patched("deployments:\n  api: {command: [python3, api.py], port: 8080}\n  ocr: {command: [python3, ocr.py], port: 8080}", with: "deployments: {}")
        let issues = try hostsFixture(yaml + "\n", overlay: "").issues(env: "prod")
        #expect(codesAndPaths(issues) == ["target-mismatch environments.prod.hosts"])
    }

    @Test("containers on hosts validate, with recreate and with blue-green")
    func containerHosts() throws {
        let deployments = "deployments:\n  api: {kind: container, command: [python3, api.py], port: 8080}\n  ocr: {kind: container, command: [python3, ocr.py], port: 8080}"
        let recreate = hostsProject
            .patched("target: local\n    hosts:", with: "target: container\n    container: {engine: podman, base_image: \"localhost/base:1\"}\n    hosts:")
            .patched("deployments:\n  api: {command: [python3, api.py], port: 8080}\n  ocr: {command: [python3, ocr.py], port: 8080}", with: deployments)
        #expect(try hostsFixture(recreate).issues(env: "prod") == [])
        let blueGreen = recreate.patched("base_image: \"localhost/base:1\"}", with: "base_image: \"localhost/base:1\", strategy: blue-green}")
        #expect(try hostsFixture(blueGreen).issues(env: "prod") == [])
    }
}
