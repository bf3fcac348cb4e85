import CrankTestSupport
import Foundation
import Testing

/// `target: container` with `hosts:` on three simulated machines: real sshd instances on
/// 127.0.0.2-4, each with its own podman storage (so an image must really be shipped to a host
/// before it can run there), real podman. The page served is the container's VERSION; the
/// health file is removed on the host named by FAIL_HOST.
final class HostContainerProject: @unchecked Sendable {
    let hosts: SimulatedHosts
    let tree: TemporaryTree
    let port: Int
    let project: String
    let token = "tok-\(UUID().uuidString)"

    init(strategy: String = "recreate", rollout: String? = nil) throws {
        hosts = try SimulatedHosts(count: 3, containers: true)
        port = try PrefectServer.freePort()
        project = "hc" + UUID().uuidString.lowercased().prefix(8).filter(\.isLetter) + String(port)
        let entries = hosts.hosts.map { host in
            "      \(host.name): {address: \(host.address), port: \(host.port), user: root, root: \"\(host.root)/crank\"}"
        }.joined(separator: "\n")
        // The image runs as an unprivileged user: the pages go to /dev/shm (world-writable).
        let script = #"sleep "$SLOW_START"; busybox mkdir -p /dev/shm/www; echo "$VERSION" > /dev/shm/www/index.html; [ "$CRANK_HOST" = "$FAIL_HOST" ] || echo ok > /dev/shm/www/health; exec httpd -f -p "$PORT" -h /dev/shm/www"#
        tree = try TemporaryTree([
            ".gitignore": ".crank/\n",
            "crank.yaml": """
                project: \(project)
                deployments:
                  web:
                    kind: container
                    command: [sh, -c, '\(script)']
                    port: \(port)
                    env: {PORT: "\(port)", VERSION: "${VERSION:-1}", FAIL_HOST: "${FAIL_HOST:-none}", SLOW_START: "${SLOW_START:-0}"}
                    health: {path: /health, timeout: 6}
                    secrets: [WEB_TOKEN]
                    role: web
                environments:
                  prod:
                    target: container
                    container: {engine: podman, base_image: "localhost/crank-busybox:latest", keep_images: 3, strategy: \(strategy)}
                    hosts:
                \(entries)
                    roles:
                      web: [\(hosts.hosts.map(\.name).joined(separator: ", "))]
                    ssh: {identity_file: "\(hosts.identityFile)", known_hosts: "\(hosts.knownHostsFile)"}
                \(rollout.map { "    rollout: \($0)" } ?? "")

                """,
        ])
        for arguments in [["init", "-q"], ["add", "-A"], ["commit", "-qm", "v1"]] {
            let output = try ProcessRunner.run("/usr/bin/git", ["-C", tree.root, "-c", "user.email=t@example.com", "-c", "user.name=t"] + arguments)
            guard output.status == 0 else { throw TestFailure("git \(arguments): \(output.stderr)") }
        }
    }

    var repository: String { "localhost/\(project)-web" }

    func crank(_ arguments: [String], _ environment: [String: String] = [:]) async throws -> ProcessOutput {
        let root = tree.root
        var env = ["CONTAINERS_CONF": ContainerProject.conf, "WEB_TOKEN": token]
        env.merge(environment) { _, new in new }
        let merged = env
        return try await ProcessRunner.offPool { try ProcessRunner.crank(arguments + ["-C", root], environment: merged) }
    }

    /// The page each host serves (nil: nothing answers).
    func pages() -> [String?] {
        hosts.hosts.map { host in
            let answer = RawHTTP.get(address: host.address, port: port, timeout: 3)
            return answer.status == 200 ? answer.body?.trimmingCharacters(in: .whitespacesAndNewlines) : nil
        }
    }

    /// The project's containers on each host (`running`: only those running).
    func containers(running: Bool = false) throws -> [[String]] {
        try hosts.hosts.map { host in
            try hosts.podman(host, ["ps", "--filter", "label=crank.project=\(project)", "--format", "{{.Names}}"] + (running ? [] : ["-a"])).stdout
                .split(separator: "\n").map(String.init).sorted()
        }
    }

    func history() async throws -> [[String: Any]] {
        let output = try await crank(["history", "--env", "prod", "--json"])
        return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]])
    }

    func cleanUp() {
        let root = tree.root
        _ = try? ProcessRunner.crank(["clean", "--env", "prod", "--yes", "-C", root], environment: ["CONTAINERS_CONF": ContainerProject.conf])
        let tags = (try? ProcessRunner.run("/usr/bin/podman", ["images", "--format", "{{.Repository}}:{{.Tag}}", repository],
                                           environment: ["CONTAINERS_CONF": ContainerProject.conf]).stdout) ?? ""
        for tag in tags.split(separator: "\n") where tag.hasPrefix(repository + ":") {
            _ = try? ProcessRunner.run("/usr/bin/podman", ["rmi", "-f", String(tag)], environment: ["CONTAINERS_CONF": ContainerProject.conf])
        }
    }
}

extension ContainerSuites {
    @Suite("Containers on hosts: real sshd, a podman storage per host", .serialized)
    struct HostContainerDeployTests {
        @Test("deploy ships the image to 3 hosts and runs it there (canary first); a failing gate on one host restores all; rollback; clean")
        func containersOnThreeHosts() async throws {
            let fixture = try HostContainerProject(rollout: "{canary: 1}")
            defer { fixture.cleanUp() }
            let first = try await fixture.crank(["deploy", "--env", "prod", "--reason", "first"])
            #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
            #expect(first.stdout.contains("host-1 (canary, batch 1/2)") && first.stdout.contains("host-3 (batch 2/2)"), "\(first.stdout)")
            #expect(fixture.pages() == ["1", "1", "1"])
            // The image really travelled: each host's own storage holds the release tag.
            for host in fixture.hosts.hosts {
                let images = try fixture.hosts.podman(host, ["images", "--format", "{{.Repository}}:{{.Tag}}"]).stdout
                #expect(images.contains("\(fixture.repository):r1"), "\(host.name): \(images)")
            }
            #expect(try fixture.containers(running: true) == Array(repeating: ["\(fixture.project)-web-r1"], count: 3))
            // The secret reached each container (through ssh's stdin), and no log or state file.
            let env = try fixture.hosts.podman(fixture.hosts.hosts[1], ["exec", "\(fixture.project)-web-r1", "sh", "-c", "echo WEB_TOKEN=$WEB_TOKEN"]).stdout
            #expect(env.contains("WEB_TOKEN=\(fixture.token)"))
            let log = try String(contentsOfFile: fixture.tree.path(".crank/state/prod/remote.log"), encoding: .utf8)
            let lines = log.split(separator: "\n")
            #expect(lines.contains { $0.contains("exit 0") && $0.contains("podman save \(fixture.repository):r1") && $0.contains("load") }, "\(log.suffix(3000))")
            #expect(lines.contains { $0.contains("exit 0") && $0.contains("'podman' 'run' '-d'") && $0.contains("'--env-file' '/dev/stdin'") })
            let grep = try ProcessRunner.run("/bin/grep", ["-rl", fixture.token, fixture.tree.path(".crank")])
            #expect(grep.stdout.isEmpty, "secret found in \(grep.stdout)")

            let status = try await fixture.crank(["status", "--env", "prod", "--json"])
            let report = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
            let rows = try #require(report["deployments"] as? [[String: Any]])
            #expect(rows.compactMap { $0["host"] as? String } == ["host-1", "host-2", "host-3"], "\(status.stdout)")
            #expect(rows.allSatisfy { $0["state"] as? String == "running" && ($0["health"] as? String)?.hasPrefix("passing") == true }, "\(status.stdout)")

            let second = try await fixture.crank(["deploy", "--env", "prod"], ["VERSION": "2"])
            #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
            #expect(fixture.pages() == ["2", "2", "2"])

            let broken = try await fixture.crank(["deploy", "--env", "prod"], ["VERSION": "3", "FAIL_HOST": "host-2"])
            #expect(broken.status != 0)
            #expect((broken.stdout + broken.stderr).contains("host-2"), "\(broken.stdout)\(broken.stderr)")
            #expect(fixture.pages() == ["2", "2", "2"], "every host back on r2")
            #expect(try fixture.containers(running: true) == Array(repeating: ["\(fixture.project)-web-r2"], count: 3))
            let history = try await fixture.history()
            #expect(history.first { $0["id"] as? String == "r3" }?["status"] as? String == "failed")
            #expect(history.first { $0["id"] as? String == "r2" }?["status"] as? String == "live")

            let rollback = try await fixture.crank(["rollback", "--env", "prod", "--to", "r1"])
            #expect(rollback.status == 0, "\(rollback.stdout)\(rollback.stderr)")
            #expect(fixture.pages() == ["1", "1", "1"])

            let clean = try await fixture.crank(["clean", "--env", "prod", "--yes"])
            #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
            #expect(try fixture.containers() == [[], [], []])
            #expect(fixture.pages() == [nil, nil, nil])
        }
    
        /// Every process's command line (arguments joined by spaces).
        static func commandLines() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).filter { Int($0) != nil }.compactMap { pid in
                FileManager.default.contents(atPath: "/proc/\(pid)/cmdline").map { String(decoding: $0.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self) }
            }
        }

        @Test("crank killed mid-rollout to container hosts: the next deploy recovers every host, one container each")
        func killedMidRollout() async throws {
            let fixture = try HostContainerProject()
            defer { fixture.cleanUp() }
            #expect(try await fixture.crank(["deploy", "--env", "prod"]).status == 0)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ProcessRunner.crankPath)
            process.arguments = ["deploy", "--env", "prod", "-C", fixture.tree.root]
            process.environment = ProcessInfo.processInfo.environment.merging(
                ["VERSION": "2", "SLOW_START": "4", "CONTAINERS_CONF": ContainerProject.conf, "WEB_TOKEN": fixture.token]) { _, new in new }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Killed 2 s after the release is opened: images tagged and shipped, containers
            // starting (each sleeps 4 s before it serves, so none has passed its gate yet).
            let record = fixture.tree.root + "/.crank/state/prod/releases/r2.json"
            for _ in 0..<1200 where !FileManager.default.fileExists(atPath: record) { try await Task.sleep(nanoseconds: 50_000_000) }
            try #require(FileManager.default.fileExists(atPath: record), "the deploy never opened r2")
            try await Task.sleep(nanoseconds: 2_000_000_000)
            let pid = process.processIdentifier
            kill(pid, SIGKILL)
            process.waitUntilExit()
            // The killed crank's ssh calls (a `podman run` in flight on a host) finish on their
            // own, as they would after a real kill; the next deploy comes once they have.
            let control = "crank-ssh-\(getuid())/"
            for _ in 0..<400 where Self.commandLines().contains(where: { $0.contains(control) && $0.contains("-\(pid)") }) {
                try await Task.sleep(nanoseconds: 100_000_000)
            }
            let next = try await fixture.crank(["deploy", "--env", "prod"], ["VERSION": "3"])
            #expect(next.status == 0, "\(next.stdout)\(next.stderr)")
            #expect(fixture.pages() == ["3", "3", "3"])
            let running = try fixture.containers(running: true)
            #expect(running == Array(repeating: ["\(fixture.project)-web-r3"], count: 3), "\(running)\n\(next.stdout)")
            let statuses = try await fixture.history().compactMap { $0["status"] as? String }
            #expect(statuses.filter { $0 == "live" }.count == 1 && !statuses.contains("pending"), "\(statuses)")
            #expect(statuses.contains("interrupted"), "\(statuses)")
        }
    
        @Test("blue-green on 3 hosts: nginx on each host switches with no failed request; a failing host restores all; clean stops every nginx")
        func blueGreenOnThreeHosts() async throws {
            let fixture = try HostContainerProject(strategy: "blue-green")
            defer { fixture.cleanUp() }
            let first = try await fixture.crank(["deploy", "--env", "prod"])
            #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
            #expect(fixture.pages() == ["1", "1", "1"])
            // Requests to host-1 during the switch: every one answered by one color or the other.
            let host = fixture.hosts.hosts[0]
            let port = fixture.port
            let stop = Flag()
            let loop = Task.detached { () -> (Int, Int) in
                var ok = 0, failed = 0
                while !stop.isSet {
                    let answer = RawHTTP.get(address: host.address, port: port, timeout: 3)
                    if answer.status == 200 { ok += 1 } else { failed += 1 }
                    usleep(3_000)  // ~300 requests a second, without taking a core from the deploy
                }
                return (ok, failed)
            }
            let second = try await fixture.crank(["deploy", "--env", "prod"], ["VERSION": "2"])
            stop.set()
            let (ok, failed) = await loop.value
            #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
            #expect(fixture.pages() == ["2", "2", "2"])
            #expect(ok > 10 && failed == 0, "\(ok) answered, \(failed) failed")

            let broken = try await fixture.crank(["deploy", "--env", "prod"], ["VERSION": "3", "FAIL_HOST": "host-3"])
            #expect(broken.status != 0)
            #expect(fixture.pages() == ["2", "2", "2"], "every host back on r2: \(broken.stdout)")
            #expect(try fixture.containers(running: true) == Array(repeating: ["\(fixture.project)-web-r2"], count: 3))

            let clean = try await fixture.crank(["clean", "--env", "prod", "--yes"])
            #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
            #expect(fixture.pages() == [nil, nil, nil])
            for host in fixture.hosts.hosts {
                #expect(!FileManager.default.fileExists(atPath: "\(host.root)/crank/proxy/prod/nginx.pid"), "\(host.name)'s nginx still runs")
            }
        }
    }
}

/// A flag set once, read from another thread.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}
