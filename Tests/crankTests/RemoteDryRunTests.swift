import CrankTestSupport
import Foundation
import Testing

/// `deploy --dry-run` of environments with hosts lists the commands the deploy runs on each
/// host, built by the code that runs them; no host is reached, no secret is shown.
@Suite("deploy --dry-run shows the commands a deploy runs on the hosts (the built binary)")
struct RemoteDryRunTests {
    static func yaml(target: String) -> String {
        """
        project: demo
        environments:
          prod:
            target: \(target)
        \(target == "container" ? "    container: {engine: podman, base_image: \"localhost/base:1\", strategy: blue-green}\n" : "")\
            hosts:
              web-1: {address: 10.0.0.11, root: /srv/demo}
              web-2: {address: 10.0.0.12, port: 2222, user: deploy, root: /srv/demo}
            roles:
              web: [web-1, web-2]
        deployments:
          api:
        \(target == "container" ? "    kind: container\n" : "")\
            command: [python3, api.py, --port, "8080"]
            port: 8080
            env: {TOKEN: "${API_TOKEN}"}
            secrets: [API_TOKEN]
            health: {path: /health}
            role: web

        """
    }

    @Test("processes: probe, copy, start through <crank-remote> (environment via stdin), gate from here, per host; --json too")
    func processes() throws {
        let tree = try TemporaryTree(["crank.yaml": Self.yaml(target: "local"), "api.py": "print(1)\n"])
        let secret = "s3cret-\(UUID().uuidString)"
        let output = try ProcessRunner.crank(["deploy", "--env", "prod", "--dry-run", "-C", tree.root], environment: ["API_TOKEN": secret])
        #expect(output.status == 0, "\(output.stderr)")
        let lines = output.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("  web-1  probe: ssh ") && $0.contains(" 10.0.0.11 ") })
        #expect(lines.contains { $0.hasPrefix("  web-2  copy: ") && $0.contains("'-p' '2222' '-l' 'deploy'") && $0.contains("/srv/demo/releases/prod/r1") })
        #expect(lines.contains { $0.hasPrefix("  web-2  start api: ") && $0.contains("<crank-remote>") && $0.contains("'python3' 'api.py' '--port' '8080'") },
                "\(output.stdout)")
        #expect(lines.contains { $0 == "  web-1  gate api: (from here) HTTP GET http://10.0.0.11:8080/health" }, "\(output.stdout)")
        #expect(!output.stdout.contains(secret) && !output.stderr.contains(secret))
        let json = try ProcessRunner.crank(["deploy", "--env", "prod", "--dry-run", "--json", "-C", tree.root], environment: ["API_TOKEN": secret])
        let steps = try #require(try json.jsonObject()["remote_commands"] as? [[String: Any]])
        #expect(Set(steps.compactMap { $0["host"] as? String }) == ["web-1", "web-2"])
        #expect(!json.stdout.contains(secret))
    }

    @Test("containers (blue-green): the image shipped by save | ssh load, run with --env-file /dev/stdin on the idle port, the switch")
    func containers() throws {
        let tree = try TemporaryTree(["crank.yaml": Self.yaml(target: "container"), "api.py": "print(1)\n"])
        let secret = "s3cret-\(UUID().uuidString)"
        let output = try ProcessRunner.crank(["deploy", "--env", "prod", "--dry-run", "-C", tree.root], environment: ["API_TOKEN": secret])
        #expect(output.status == 0, "\(output.stderr)")
        let lines = output.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("  web-1  image: ") && $0.contains("save localhost/demo-api:r1") && $0.contains("load") }, "\(output.stdout)")
        #expect(lines.contains { $0.hasPrefix("  web-2  run api: ") && $0.contains("'--env-file' '/dev/stdin'") && $0.contains("'10.0.0.12:<idle port>:8080'") })
        #expect(lines.contains { $0 == "  web-2  gate api: (from here) HTTP GET http://10.0.0.12:<idle port>/health" }, "\(output.stdout)")
        #expect(lines.contains { $0.hasPrefix("  web-1  switch api: <crank-proxy> route api") })
        #expect(!output.stdout.contains(secret))
    }
}
