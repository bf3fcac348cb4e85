import CrankTestSupport
import Foundation
import Testing

/// The private swarm the tests deploy to: `CRANK_SWARM_DOCKER_HOST` (make test), else the one
/// `scripts/swarm-tools.sh` starts (idempotent; never the machine's default socket).
enum PrivateSwarm {
    static let dockerHost: Result<String, TestFailure> = {
        if let host = ProcessInfo.processInfo.environment["CRANK_SWARM_DOCKER_HOST"], !host.isEmpty { return .success(host) }
        // `system` waits for exactly its own child: the script leaves dockerd running in its own
        // session, which a pipe-reading runner inside this lazy initializer was seen to hang on.
        let directory = ProcessInfo.processInfo.environment["CRANK_SWARM_DIR"] ?? "/tmp/crank-swarm"
        let status = system("CRANK_SWARM_DIR='\(directory)' bash '\(Checkout.root)/scripts/swarm-tools.sh' >/dev/null 2>&1 </dev/null")
        guard status == 0 else { return .failure(TestFailure("no private swarm (scripts/swarm-tools.sh exited \(status)): run `make swarm-tools`")) }
        return .success("unix://\(directory)/docker.sock")
    }()

    static func host() throws -> String { try dockerHost.get() }

    static let docker = ["/usr/local/bin/docker", "/usr/bin/docker"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "docker"

    static func docker(_ arguments: [String]) throws -> ProcessOutput {
        try ProcessRunner.run(docker, arguments, environment: ["DOCKER_HOST": try host()])
    }
}

/// A `target: swarm` project: busybox httpd (`web`, port, secret, health) and a worker, in its
/// own git repo so every commit is a new image. Unique project name and port per fixture.
final class SwarmProject: @unchecked Sendable {
    let tree: TemporaryTree
    let port: Int
    let project: String
    let token = "swarm-tok-\(UUID().uuidString)"
    let dockerHost: String

    init(publish: String = "proxy", replicas: Int = 3, order: String = "stop-first") throws {
        dockerHost = try PrivateSwarm.host()
        port = try PrefectServer.freePort()
        project = "sw" + UUID().uuidString.lowercased().prefix(8).filter(\.isLetter) + String(port)
        tree = try TemporaryTree([
            ".gitignore": ".crank/\n",
            "www/health": "ok\n",
            "www/index.html": "v1",
            "crank.yaml": """
                project: \(project)
                deployments:
                  web:
                    kind: container
                    command: [httpd, -f, -p, "\(port)", -h, /app/www]
                    port: \(port)
                    env: {GREETING: hello}
                    secrets: [WEB_TOKEN]
                    health: {path: /health, timeout: 8}
                    resources: {memory: 64m}
                  worker:
                    kind: container
                    command: [sh, -c, "while true; do sleep 1; done"]
                environments:
                  cluster:
                    target: swarm
                    container: {engine: podman, base_image: "localhost/crank-busybox:latest"}
                    swarm:
                      docker_host: "${SWARM_HOST}"
                      publish: \(publish)
                      update: {parallelism: 1, delay: 0s, order: \(order), monitor: 2s}
                """,
            "deployment/environments/cluster.yaml": "deployments:\n  web: {replicas: \(replicas)}\n  worker: {replicas: 1}\n",
        ])
        try git(["init", "-q"])
        try commit("v1")
    }

    var stack: String { "\(project)-cluster" }
    var web: String { "\(stack)_web" }

    func git(_ arguments: [String]) throws {
        let output = try ProcessRunner.run("/usr/bin/git", ["-C", tree.root, "-c", "user.email=t@example.com", "-c", "user.name=t"] + arguments)
        guard output.status == 0 else { throw TestFailure("git \(arguments): \(output.stderr)") }
    }

    /// Commits the tree with `index` as the page (and, unless `healthy`, without /health).
    func commit(_ index: String, healthy: Bool = true) throws {
        try tree.write("www/index.html", index)
        if healthy { try tree.write("www/health", "ok\n") } else { try? FileManager.default.removeItem(atPath: tree.path("www/health")) }
        try git(["add", "-A"])
        try git(["commit", "-qm", index])
    }

    var crankEnvironment: [String: String] {
        ["WEB_TOKEN": token, "SWARM_HOST": dockerHost, "CONTAINERS_CONF": ContainerProject.conf]
    }

    func crank(_ arguments: [String]) throws -> ProcessOutput {
        try ProcessRunner.crank(arguments + ["-C", tree.root], environment: crankEnvironment)
    }

    func docker(_ arguments: [String]) throws -> ProcessOutput {
        try PrivateSwarm.docker(arguments)
    }

    /// `docker service inspect` of a service, as JSON text.
    func inspect(_ service: String) throws -> String {
        try docker(["service", "inspect", service]).stdout
    }

    func label(_ service: String, _ key: String) throws -> String {
        try docker(["service", "inspect", "--format", "{{index .Spec.Labels \"\(key)\"}}", service]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The host ports of the web service's running tasks (publish: proxy gives each its own).
    func taskPorts() throws -> [Int] {
        let containers = try docker(["ps", "-q", "--filter", "label=com.docker.swarm.service.name=\(web)"]).stdout.split(separator: "\n").map(String.init)
        return try containers.flatMap { id -> [Int] in
            // The IPv4 binding (dockerd may give :: another ephemeral port).
            let text = try docker(["inspect", "--format", "{{range $p, $b := .NetworkSettings.Ports}}{{range $b}}{{.HostIp}}={{.HostPort}} {{end}}{{end}}", id]).stdout
            return Set(text.split(separator: " ").filter { $0.hasPrefix("0.0.0.0=") }.compactMap { Int($0.dropFirst("0.0.0.0=".count)) }).sorted()
        }.sorted()
    }

    func page(port: Int) -> String? {
        let answer = RawHTTP.get(port: port, timeout: 5)
        return answer.status == 200 ? answer.body : nil
    }

    func history() throws -> [[String: Any]] {
        let output = try crank(["history", "--env", "cluster", "--json"])
        return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]])
    }

    /// Removes what the fixture made: crank clean, then anything left with the project's label or stack.
    func cleanUp() {
        _ = try? crank(["clean", "--env", "cluster", "--yes"])
        for service in (try? docker(["service", "ls", "-q", "--filter", "label=crank.project=\(project)"]).stdout.split(separator: "\n")) ?? [] {
            _ = try? docker(["service", "rm", String(service)])
        }
        // A secret is released once its service is gone: a few tries.
        for _ in 0..<10 {
            let secrets = (try? docker(["secret", "ls", "-q", "--filter", "label=crank.project=\(project)"]).stdout.split(separator: "\n")) ?? []
            if secrets.isEmpty { break }
            for secret in secrets { _ = try? docker(["secret", "rm", String(secret)]) }
            usleep(500_000)
        }
        // The project's images, built by podman and loaded into the swarm's engine: left behind,
        // every later podman call of the run (and of the next runs) walks them.
        let reference = "reference=localhost/\(project)-*"
        let built = (try? ProcessRunner.run("/usr/bin/podman", ["images", "-q", "--filter", reference],
                                            environment: ["CONTAINERS_CONF": ContainerProject.conf]).stdout.split(separator: "\n")) ?? []
        if !built.isEmpty {
            _ = try? ProcessRunner.run("/usr/bin/podman", ["rmi", "-f"] + Set(built).map(String.init), environment: ["CONTAINERS_CONF": ContainerProject.conf])
        }
        let loaded = (try? docker(["image", "ls", "-q", "--filter", reference]).stdout.split(separator: "\n")) ?? []
        if !loaded.isEmpty { _ = try? docker(["rmi", "-f"] + Set(loaded).map(String.init)) }
    }
}

