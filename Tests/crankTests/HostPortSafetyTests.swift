import CrankTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A deploy to hosts never reports live while a host's port is answered by something other than
/// the process crank started there (HostsProject: three simulated hosts, one port).
extension RealProcessSuites {
    @Suite("a host's port answered by another process (real sshd)", .serialized)
    struct HostPortSafetyTests {
        /// `python3 -m http.server` bound to `address:port`, serving `{"version": "stray"}` at / and /health.
        static func stray(address: String, port: Int, tree: TemporaryTree) throws -> Process {
            try tree.write("stray/index.html", #"{"version": "stray"}"#)
            try tree.write("stray/health", #"{"version": "stray"}"#)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-m", "http.server", String(port), "--bind", address, "--directory", tree.path("stray")]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            for _ in 0..<100 where !RawHTTP.connects(address: address, port: port) { usleep(50_000) }
            return process
        }

        /// Stops the process crank recorded for `web` on `host` behind crank's back.
        static func killRecorded(on host: SimulatedHosts.Host, port: Int) throws {
            let record = try String(contentsOfFile: host.root + "/crank/run/prod/web", encoding: .utf8)
            let pid = try #require(Int32(record.split(separator: " ").first ?? ""))
            kill(-pid, SIGTERM)
            kill(pid, SIGTERM)
            for _ in 0..<100 where RawHTTP.connects(address: host.address, port: port) { usleep(50_000) }
        }

        @Test("a stray listener on one host's address and port fails the deploy naming its pid and command; the other hosts are restored; once it is gone the deploy goes live")
        func strayListener() async throws {
            let project = try HostsProject()
            defer { project.cleanUp() }
            let first = try await project.run(["deploy", "--env", "prod"])
            #expect(first.status == 0, "\(first.stderr)")
            let second = project.hosts.hosts[1]
            try Self.killRecorded(on: second, port: project.port)
            let stray = try Self.stray(address: second.address, port: project.port, tree: project.tree)
            // SIGKILL: a child of the test process inherits its blocked SIGTERM.
            defer { if stray.isRunning { kill(stray.processIdentifier, SIGKILL); stray.waitUntilExit() } }
            #expect(project.versions() == ["1", "stray", "1"])

            // SLOW_START: the new process lives a while before it binds (a service's imports), so
            // the stray's answers reach the gate while it runs.
            let refused = try await project.run(["deploy", "--env", "prod"], ["VERSION": "2", "SLOW_START": "2"])
            #expect(refused.status == 1, "\(refused.stdout)\(refused.stderr)")
            #expect(refused.stderr.contains("host-2") && refused.stderr.contains("pid \(stray.processIdentifier)")
                    && refused.stderr.contains("http.server"), "\(refused.stderr)")
            #expect(refused.stderr.contains("hint:") && refused.stderr.contains("deployments.web.port"), "\(refused.stderr)")
            #expect(!(refused.stdout + refused.stderr).contains("is live"), "\(refused.stdout)\(refused.stderr)")
            #expect(project.versions() == ["1", "stray", "1"], "the other hosts serve the previous release again")
            #expect(try await project.history() == ["failed", "live"])

            kill(stray.processIdentifier, SIGKILL)
            stray.waitUntilExit()
            let deployed = try await project.run(["deploy", "--env", "prod"], ["VERSION": "2"])
            #expect(deployed.status == 0, "\(deployed.stderr)")
            #expect(project.versions() == ["2", "2", "2"])
        }

        @Test("a port answered by a process outside the started one's session and tree fails the placement; every host is restored")
        func answeredByAnother() async throws {
            let project = try HostsProject()
            defer { project.cleanUp() }
            #expect(try await project.run(["deploy", "--env", "prod"]).status == 0)
            let detached = try await project.run(["deploy", "--env", "prod"], ["VERSION": "2", "DETACH_HOST": "host-2"])
            #expect(detached.status == 1, "\(detached.stdout)\(detached.stderr)")
            #expect(detached.stderr.contains("web@host-2") && detached.stderr.contains("not by the started process"), "\(detached.stderr)")
            #expect(project.versions() == ["1", "1", "1"], "every host serves the previous release, the detached one stopped as crank's own")
            #expect(try await project.history() == ["failed", "live"])
            let clean = try await project.run(["clean", "--env", "prod", "--yes"])
            #expect(clean.status == 0, "\(clean.stderr)")
            #expect(project.versions() == [nil, nil, nil], "nothing is left answering")
        }
    }
}
