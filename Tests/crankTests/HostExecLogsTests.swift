import CrankTestSupport
import Foundation
import Testing

extension RealProcessSuites {
    @Suite("crank exec and crank logs on simulated hosts (real sshd)", .serialized)
    struct HostExecLogsTests {
        @Test("exec runs on the chosen host in its release directory with the deployment's env; logs prefix name@host and follow ends on stop")
        func execAndLogsOnHosts() async throws {
            let project = try HostsProject()
            defer { project.cleanUp() }
            let deploy = try await project.run(["deploy", "--env", "prod"])
            #expect(deploy.status == 0, "\(deploy.stderr)")
            let root = project.tree.root
            func exec(_ extra: [String], _ command: [String]) async throws -> ProcessOutput {
                try await ProcessRunner.offPool { try ProcessRunner.crank(["exec", "--env", "prod", "-C", root] + extra + ["web", "--"] + command) }
            }
            let second = project.hosts.hosts[1]
            let env = try await exec(["--host", second.name], ["sh", "-c", "echo \"$PWD|$CRANK_HOST|$HOST|$VERSION\"; exit 42"])
            #expect(env.status == 42, "\(env.stderr)")
            #expect(env.stdout == "\(second.root)/crank/releases/prod/r1|\(second.name)|\(second.address)|1\n", "\(env.stdout)")
            let killed = try await exec([], ["sh", "-c", "kill -9 $$"])
            #expect(killed.status == 137, "\(killed.stderr)")
            let unknown = try await exec(["--host", "nowhere"], ["true"])
            #expect(unknown.status == 125 && unknown.stderr.contains("web does not run on a host named 'nowhere'"), "\(unknown.stderr)")
            // Every ssh call is in remote.log, the interactive one too.
            let remoteLog = try String(contentsOfFile: project.tree.path(".crank/state/prod/remote.log"), encoding: .utf8)
            #expect(remoteLog.contains("exit 42 ") && remoteLog.contains("'echo \"$PWD|$CRANK_HOST|$HOST|$VERSION\"; exit 42'"), "\(remoteLog.suffix(800))")
            // The env file the command read is gone from the host.
            let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: "\(second.root)/crank/run/prod")) ?? []
            #expect(!leftovers.contains { $0.hasPrefix(".exec-") }, "\(leftovers)")

            // Each host's log file (the simulated hosts' roots are folders here), read over ssh.
            func append(_ host: SimulatedHosts.Host, _ text: String) throws {
                let handle = try #require(FileHandle(forWritingAtPath: "\(host.root)/crank/run/prod/web.log"))
                try handle.seekToEnd()
                try handle.write(contentsOf: Data((text + "\n").utf8))
                try handle.close()
            }
            for host in project.hosts.hosts { try append(host, "hello from \(host.name)") }
            let logs = try await project.run(["logs", "--env", "prod", "--tail", "1"])
            #expect(logs.status == 0, "\(logs.stderr)")
            let expected = project.hosts.hosts.map { "web@\($0.name) | hello from \($0.name)" }
            #expect(logs.stdout.split(separator: "\n").map(String.init).sorted() == expected.sorted(), "\(logs.stdout)")
            let reads = try String(contentsOfFile: project.tree.path(".crank/state/prod/remote.log"), encoding: .utf8)
            #expect(reads.components(separatedBy: "exec tail -n").count - 1 == 3, "one tail per host in remote.log")

            let first = project.hosts.hosts[0]
            let follow = try BackgroundCrank(["logs", "--env", "prod", "--host", first.name, "--follow", "--tail", "1", "-C", root])
            #expect(follow.wait(for: "web@\(first.name) | hello from \(first.name)", timeout: 15), "\(follow.stdout)\(follow.stderr)")
            try append(first, "later")
            #expect(follow.wait(for: "web@\(first.name) | later", timeout: 15), "\(follow.stdout)\(follow.stderr)")
            #expect(try await project.run(["stop", "--env", "prod", "web"]).status == 0)
            #expect(follow.exitStatus(within: 15) == 0, "\(follow.stderr)")
        }
    }
}
