import CrankTestSupport
import DeployCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// podman's Docker-compatible API on a private socket, for the real docker CLI (no Docker engine
/// runs on these machines): `DOCKER_HOST=unix://<dir>/docker.sock docker …`. One per test, in
/// its own temporary directory, stopped by PID; a watchdog shell also stops it if the test
/// process dies first. `bin/` holds two shims put first on crank's PATH: `docker` logs each call
/// and runs the real CLI, `podman` logs and refuses — so a test sees which CLI crank used.
struct DockerAPIService: Sendable {
    static let containersConf = Checkout.root + "/deployment/podman/containers.conf"

    let directory: String
    let pid: pid_t

    var host: String { "unix://\(directory)/docker.sock" }

    /// crank's environment: the socket, the shims first on PATH, CONTAINERS_CONF.
    var environment: [String: String] {
        ["DOCKER_HOST": host, "CONTAINERS_CONF": Self.containersConf,
         "PATH": "\(directory)/bin:" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]
    }

    /// Starts a service, runs `body`, and stops the service by PID however `body` ends.
    static func with<T: Sendable>(_ body: (DockerAPIService) async throws -> T) async throws -> T {
        let service = try await start()
        do {
            let result = try await body(service)
            service.stop()
            return result
        } catch {
            service.stop()
            throw error
        }
    }

    static func start() async throws -> DockerAPIService {
        let path = ProcessInfo.processInfo.environment["PATH"]
        guard let podman = ExecutableLocator.find("podman", path: path), let docker = ExecutableLocator.find("docker", path: path) else {
            throw TestFailure("podman and the docker CLI must be on PATH (make container-tools installs podman)")
        }
        // Short: a unix socket path has a 108-byte limit.
        let directory = "/tmp/crank-dkapi-" + UUID().uuidString.prefix(8).lowercased()
        try FileManager.default.createDirectory(atPath: directory + "/bin", withIntermediateDirectories: true)
        try shim(directory + "/bin/docker", "printf '%s\\n' \"$*\" >> '\(directory)/docker-calls'\nexec '\(docker)' \"$@\"")
        try shim(directory + "/bin/podman", "printf '%s\\n' \"$*\" >> '\(directory)/podman-calls'\necho 'podman must not run for engine: docker' >&2\nexit 97")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        let watchdog = "\"$0\" system service --time=0 \"unix://$1/docker.sock\" >\"$1/service.log\" 2>&1 & service=$!; echo $service >\"$1/pid\"; "
            + "while kill -0 \(getpid()) 2>/dev/null && kill -0 $service 2>/dev/null; do sleep 1; done; kill $service 2>/dev/null"
        process.arguments = ["/bin/sh", "-c", watchdog, podman, directory]
        var environment = ProcessInfo.processInfo.environment
        environment["CONTAINERS_CONF"] = containersConf
        process.environment = environment
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        var service: DockerAPIService?
        while Date() < deadline {
            if service == nil, let text = try? String(contentsOfFile: directory + "/pid", encoding: .utf8),
               let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                service = DockerAPIService(directory: directory, pid: pid)
            }
            if let service, try service.docker(["version", "--format", "{{.Server.APIVersion}}"]).status == 0 { return service }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
        let log = (try? String(contentsOfFile: directory + "/service.log", encoding: .utf8)) ?? ""
        service?.stop()
        throw TestFailure("podman system service did not answer on \(directory)/docker.sock within 60 s: \(log.suffix(600))")
    }

    private static func shim(_ path: String, _ body: String) throws {
        try Data("#!/bin/sh\n\(body)\n".utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
    }

    /// The real docker CLI against this service (not through the logging shim).
    func docker(_ arguments: [String]) throws -> ProcessOutput {
        let docker = ExecutableLocator.find("docker", path: ProcessInfo.processInfo.environment["PATH"]) ?? "/usr/local/bin/docker"
        return try ProcessRunner.run(docker, arguments, environment: ["DOCKER_HOST": host])
    }

    /// The argument lines crank passed to `docker` / `podman`.
    func calls(_ cli: String) -> [String] {
        let text = (try? String(contentsOfFile: "\(directory)/\(cli)-calls", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map(String.init)
    }

    /// SIGTERM to the service's PID, SIGKILL after 15 s; then its directory goes.
    func stop() {
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(15)
        while Self.isAlive(pid), Date() < deadline { usleep(100_000) }
        if Self.isAlive(pid) { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Running, and not a zombie waiting for the watchdog shell to reap it.
    static func isAlive(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        guard let close = stat.lastIndex(of: ")") else { return false }
        return !stat[close...].hasPrefix(") Z")
    }
}

/// A git project (unique name, free port) whose `prod` environment runs busybox httpd from the
/// local base image as a container: a release serves `www/index.html`, `/health` is
/// `www/health`.
struct HttpdContainerProject {
    let tree: TemporaryTree
    let name = "dk" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(10).lowercased()
    let port: Int
    let engine: String
    let environment: [String: String]

    init(engine: String, environment: [String: String]) throws {
        port = try PrefectServer.freePort()
        self.engine = engine
        self.environment = environment
        tree = try TemporaryTree(["www/health": "ok\n", "www/index.html": "v1\n", ".gitignore": ".crank/\n", ".dockerignore": ".crank\n.git\n"])
        try tree.write("crank.yaml", config())
        try git(["init", "-q"])
        try commit("v1")
    }

    func config(healthTimeout: Int = 15) -> String {
        """
        project: \(name)
        deployments:
          web:
            kind: container
            command: [httpd, -f, -p, "\(port)", -h, /app/www]
            port: \(port)
            health: {path: /health, timeout: \(healthTimeout)}
        environments:
          prod:
            target: container
            container: {engine: \(engine), base_image: "localhost/crank-busybox:latest"}
        """
    }

    func git(_ arguments: [String]) throws {
        let git = ExecutableLocator.find("git", path: ProcessInfo.processInfo.environment["PATH"]) ?? "/usr/bin/git"
        let result = try ProcessRunner.run(git, ["-c", "user.name=crank-test", "-c", "user.email=crank-test@example.com"] + arguments, in: tree.root)
        guard result.status == 0 else { throw TestFailure("git \(arguments.joined(separator: " ")): \(result.stderr)") }
    }

    func commit(_ message: String) throws {
        try git(["add", "-A"])
        try git(["commit", "-q", "-m", message])
    }

    func crank(_ arguments: [String]) async throws -> ProcessOutput {
        let (root, environment) = (tree.root, environment)
        return try await ProcessRunner.offPool { try ProcessRunner.crank(arguments + ["-C", root], environment: environment) }
    }

    /// The body the service answers on its published port, nil when it does not answer.
    func get(_ path: String) -> String? {
        guard let data = try? Data(contentsOf: URL(string: "http://127.0.0.1:\(port)\(path)")!) else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `crank status --json`'s one deployment and the live release.
    func status() async throws -> (live: String?, web: [String: Any]?) {
        let object = try await crank(["status", "--env", "prod", "--json"]).jsonObject()
        return (object["live"] as? String, (object["deployments"] as? [[String: Any]])?.first)
    }

    /// Release id → status, from `crank history --json`.
    func history() async throws -> [String: String] {
        let output = try await crank(["history", "--env", "prod", "--json"])
        let releases = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: releases.compactMap { release in
            (release["id"] as? String).map { ($0, release["status"] as? String ?? "") }
        })
    }

    /// Removes this project's containers and image tags — names no other test uses — with
    /// podman, which shares the docker-API service's storage and works without it.
    func removeEverything() {
        let podman = ExecutableLocator.find("podman", path: ProcessInfo.processInfo.environment["PATH"]) ?? "/usr/bin/podman"
        let environment = ["CONTAINERS_CONF": DockerAPIService.containersConf]
        let containers = (try? ProcessRunner.run(podman, ["ps", "-a", "--filter", "label=crank.project=\(name)", "--format", "{{.Names}}"],
                                                 environment: environment))?.stdout ?? ""
        for container in containers.split(separator: "\n") where container.hasPrefix(name + "-") {
            _ = try? ProcessRunner.run(podman, ["rm", "-f", String(container)], environment: environment)
        }
        let repository = "localhost/\(name)-web"
        let images = (try? ProcessRunner.run(podman, ["images", "--format", "{{.Repository}}:{{.Tag}}", repository], environment: environment))?.stdout ?? ""
        for reference in images.split(separator: "\n") where reference.hasPrefix(repository + ":") {
            _ = try? ProcessRunner.run(podman, ["rmi", String(reference)], environment: environment)
        }
    }
}
