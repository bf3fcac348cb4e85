import CrankTestSupport
import DeployCore
import Foundation
import Testing

/// The SSH transport and the host lock against real sshd instances (SimulatedHosts).
@Suite("SSH transport and host lock (real sshd)", .serialized)
struct SSHTransportTests {
    static func transport(_ hosts: SimulatedHosts, _ index: Int = 0, knownHosts: String? = nil, control: String) -> SSHTransport {
        let host = hosts.hosts[index]
        var settings = SSHSettings()
        settings.identityFile = hosts.identityFile
        settings.knownHosts = knownHosts ?? hosts.knownHostsFile
        return SSHTransport(host: HostSpec(name: host.name, address: host.address, port: host.port, user: "root", root: host.root),
                            settings: settings, controlDirectory: control)
    }

    static func controlDirectory() -> String {
        "/tmp/crank-ssh-test-" + UUID().uuidString.prefix(8)
    }

    @Test("arguments arrive verbatim on the host: spaces, quotes, $(…), ; and newlines are never evaluated")
    func verbatimArguments() throws {
        let hosts = try SimulatedHosts(count: 1)
        let control = Self.controlDirectory()
        defer { try? FileManager.default.removeItem(atPath: control) }
        let ssh = Self.transport(hosts, control: control)
        let hostile = ["a b", "it's", "$(touch /tmp/crank-pwned)", "x; rm -rf /", "line\nbreak", "`id`", "*"]
        let result = ProcessCommandRunner().run(ssh.command(["/usr/bin/printf", "%s\\0"] + hostile), timeout: 20)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init) == hostile)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/crank-pwned"))
        let env = ProcessCommandRunner().run(ssh.command(["/bin/sh", "-c", "echo $CRANK_SIMULATED_HOST"]), timeout: 20)
        #expect(env.stdout == "host-1\n")
        // The master connection is multiplexed: a control socket exists for this process.
        let sockets = (try? FileManager.default.contentsOfDirectory(atPath: control)) ?? []
        #expect(sockets.contains { $0.hasSuffix("-\(getpid())") }, "\(sockets)")
    }

    @Test("upload copies a tree; write() makes a 0600 file whose content never appears in argv")
    func uploadAndWrite() throws {
        let hosts = try SimulatedHosts(count: 1)
        let control = Self.controlDirectory()
        defer { try? FileManager.default.removeItem(atPath: control) }
        let ssh = Self.transport(hosts, control: control)
        let tree = try TemporaryTree(["a.txt": "alpha", "dir/b.txt": "beta", "dir/deep/c with space.txt": "gamma"])
        let target = hosts.hosts[0].root + "/copy"
        let upload = ProcessCommandRunner().run(ssh.upload(directory: tree.root, to: target), timeout: 30)
        #expect(upload.status == 0, "\(upload.stderr)")
        #expect((try? String(contentsOfFile: target + "/dir/deep/c with space.txt", encoding: .utf8)) == "gamma")
        #expect((try? String(contentsOfFile: target + "/a.txt", encoding: .utf8)) == "alpha")
        let secret = "s3cret-\(UUID().uuidString)"
        let command = ssh.write(Data(secret.utf8), to: hosts.hosts[0].root + "/run/env")
        #expect(!command.arguments.joined().contains(secret))
        #expect(ProcessCommandRunner().run(command, timeout: 20).status == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: hosts.hosts[0].root + "/run/env")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect((try? String(contentsOfFile: hosts.hosts[0].root + "/run/env", encoding: .utf8)) == secret)
    }

    @Test("place copies a tree in one call unless it is there already (no partial copy left behind); a large tree to an existing place still succeeds")
    func placeOnce() throws {
        let hosts = try SimulatedHosts(count: 1)
        let control = Self.controlDirectory()
        defer { try? FileManager.default.removeItem(atPath: control) }
        let ssh = Self.transport(hosts, control: control)
        let first = try TemporaryTree(["a.txt": "first", "dir/b.txt": "beta"])
        let target = hosts.hosts[0].root + "/releases/prod/r1"
        #expect(ProcessCommandRunner().run(ssh.place(directory: first.root, at: target), timeout: 30).status == 0)
        #expect((try? String(contentsOfFile: target + "/a.txt", encoding: .utf8)) == "first")
        // There already: left as it is, even when the copy offered is larger than the pipe buffers.
        let second = try TemporaryTree(["a.txt": "second", "big.txt": String(repeating: "x", count: 4_000_000)])
        let again = ProcessCommandRunner().run(ssh.place(directory: second.root, at: target), timeout: 30)
        #expect(again.status == 0, "\(again.stderr)")
        #expect((try? String(contentsOfFile: target + "/a.txt", encoding: .utf8)) == "first")
        #expect(try FileManager.default.contentsOfDirectory(atPath: hosts.hosts[0].root + "/releases/prod") == ["r1"])
    }

    @Test("probe: an unknown host key names its fingerprint, a stopped sshd is unreachable, a wrong key is refused")
    func probeFailures() throws {
        let hosts = try SimulatedHosts(count: 2)
        let runner = ProcessCommandRunner()
        let empty = hosts.directory + "/empty_known_hosts"
        try "".write(toFile: empty, atomically: true, encoding: .utf8)
        #expect(Self.transport(hosts, control: Self.controlDirectory()).probe(runner: runner) == nil)
        guard case .unknownHostKey(let name, let fingerprint, let fix)? = Self.transport(hosts, knownHosts: empty, control: Self.controlDirectory()).probe(runner: runner) else {
            Issue.record("an unknown host key was not reported")
            return
        }
        #expect(name == "host-1" && fingerprint.hasPrefix("SHA256:") && fix.contains("ssh-keyscan -p \(hosts.hosts[0].port) 127.0.0.2"))
        hosts.stop(hosts.hosts[1])
        guard case .unreachable? = Self.transport(hosts, 1, control: Self.controlDirectory()).probe(runner: runner) else {
            Issue.record("a stopped host was not unreachable")
            return
        }
        var wrongKey = Self.transport(hosts, control: Self.controlDirectory())
        let other = hosts.directory + "/other_key"
        _ = try ProcessRunner.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", other])
        var settings = wrongKey.settings
        settings.identityFile = other
        wrongKey = SSHTransport(host: wrongKey.host, settings: settings, controlDirectory: Self.controlDirectory())
        guard case .authentication? = wrongKey.probe(runner: runner) else {
            Issue.record("a wrong key was not an authentication failure")
            return
        }
    }

    /// The host of the holder that refused `lock`, or nil when it was taken.
    static func refusal(_ lock: HostLock) async -> String? {
        let result: Result<DeployLock.Holder?, DeployLock.Failure>
        do { result = .success(try await lock.acquire(command: "crank deploy", wait: 0.5)) } catch { result = .failure(error) }
        guard case .failure(.held(let holder)) = result else { return nil }
        return holder.host
    }

    @Test("the host lock: a second holder is refused while the first holds it; released, it can be taken")
    func hostLock() async throws {
        let hosts = try SimulatedHosts(count: 1)
        let control = Self.controlDirectory()
        let first = HostLock(transport: Self.transport(hosts, control: control), project: "p", environment: "prod", runner: ProcessCommandRunner())
        #expect(try await first.acquire(command: "crank deploy", wait: 0) == nil)
        #expect(FileManager.default.fileExists(atPath: hosts.hosts[0].root + "/.crank-lock/p-prod/holder.json"))
        #expect(try await first.holder()?.command == "crank deploy")
        // Another machine's holder (same lock directory, a holder that is not this process).
        try #"{"command": "crank deploy --env prod", "host": "ci-runner-7", "pid": 4242, "since": "\#(ISO8601DateFormatter().string(from: Date()))", "ttl_seconds": 3600, "user": "ci"}"#
            .write(toFile: hosts.hosts[0].root + "/.crank-lock/p-prod/holder.json", atomically: true, encoding: .utf8)
        let refusal = await Self.refusal(first)
        #expect(refusal == "ci-runner-7", "a held lock must be refused, naming its holder")
        #expect(await first.release(force: false) == false, "a lock held by someone else is not released without force")
        #expect(await first.release(force: true))
        #expect(try await first.holder() == nil)
    }
}
