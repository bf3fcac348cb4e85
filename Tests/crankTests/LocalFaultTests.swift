import CrankTestSupport
import Foundation
import Testing

/// Faults on the local target with real processes: lost records, foreign port holders,
/// concurrent commands, interrupted deploys. Each test failed on the code before the fix.
extension RealProcessSuites {
    @Suite("local target under faults (real processes)", .serialized)
    struct LocalFaultTests {
        @Test("a process crank lost track of does not pass the next deploy's gate: the new release serves")
        func lostRecords() async throws {
            let project = try DeployProject()
            defer { project.cleanUp() }
            #expect(try await project.run(["deploy", "--env", "dev"]).status == 0)
            try FileManager.default.removeItem(atPath: project.tree.path(".crank/run/dev"))
            let next = try await project.run(["deploy", "--env", "dev"], ["VERSION": "2"])
            #expect(next.status == 0, "\(next.stderr)")
            #expect(project.version(project.web) == "2")
            #expect(project.version(project.worker) == "2")
            let running = ProjectProcesses.wait(root: project.tree.root) { $0.count == 2 }
            #expect(running.map(\.release) == ["r2", "r2"], "an old process was left running: \(running)")
        }

        @Test("a garbled process record is replaced by the process crank finds running")
        func garbledRecord() async throws {
            let project = try DeployProject()
            defer { project.cleanUp() }
            #expect(try await project.run(["deploy", "--env", "dev"]).status == 0)
            try project.tree.write(".crank/run/dev/web.json", "{\"deployment\": \"web\", \"pid\": ")
            let next = try await project.run(["deploy", "--env", "dev"], ["VERSION": "2"])
            #expect(next.status == 0, "\(next.stderr)")
            #expect(project.version(project.web) == "2")
            #expect(ProjectProcesses.wait(root: project.tree.root) { $0.count == 2 }.count == 2)
        }

        @Test("a port held by a process crank did not start fails the deploy, naming the holder's pid")
        func foreignPortHolder() async throws {
            let project = try DeployProject()
            defer { project.cleanUp() }
            let squatter = Process()
            squatter.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            squatter.arguments = ["python3", "-m", "http.server", String(project.web), "--bind", "127.0.0.1"]
            squatter.standardOutput = FileHandle.nullDevice
            squatter.standardError = FileHandle.nullDevice
            try squatter.run()
            // SIGKILL: a child of the test process may inherit a mask that blocks SIGTERM.
            defer { kill(squatter.processIdentifier, SIGKILL); squatter.waitUntilExit() }
            for _ in 0..<100 where project.status(project.web) == nil { usleep(50_000) }
            #expect(project.status(project.web) != nil, "the squatter never listened")
            let deploy = try await project.run(["deploy", "--env", "dev", "--json"])
            #expect(deploy.status == 1)
            let failure = try #require(try deploy.jsonObject()["failure"] as? [String: String])
            #expect(failure["check"] == "port")
            #expect(failure["observed"]?.contains("held by pid \(squatter.processIdentifier)") == true, "\(failure)")
            #expect(try await project.runHistory().first?["status"] as? String == "failed")
            #expect(squatter.isRunning, "crank must never stop a process it did not start")
        }

        @Test("status lists processes whose records were deleted, and clean stops them")
        func statusAndCleanSeeOrphans() async throws {
            let project = try DeployProject()
            defer { project.cleanUp() }
            #expect(try await project.run(["deploy", "--env", "dev"]).status == 0)
            let before = ProjectProcesses.list(root: project.tree.root)
            try FileManager.default.removeItem(atPath: project.tree.path(".crank/run/dev"))
            let status = try await project.run(["status", "--env", "dev", "--json"])
            let deployments = try #require(try status.jsonObject()["deployments"] as? [[String: Any]])
            #expect(deployments.map { $0["state"] as? String } == ["running", "running"])
            #expect(Set(deployments.compactMap { ($0["pid"] as? NSNumber)?.int32Value }) == Set(before.map(\.pid)))
            #expect(deployments.allSatisfy { ($0["drift"] as? String)?.contains("not recorded") == true })
            #expect(status.status == 1)
            let clean = try await project.run(["clean", "--env", "dev", "--yes"])
            #expect(clean.status == 0, "\(clean.stderr)")
            #expect(ProjectProcesses.wait(root: project.tree.root) { $0.isEmpty }.isEmpty)
            #expect(project.status(project.web) == nil)
        }

        @Test("start, stop and restart take the environment's lock: they exit 3 while another crank holds it, or wait for it")
        func lifecycleHonoursTheLock() async throws {
            let project = try DeployProject()
            defer { project.cleanUp() }
            #expect(try await project.run(["deploy", "--env", "dev"]).status == 0)
            // Another crank (a live process on this host) holds the lock.
            let holder = Process()
            holder.executableURL = URL(fileURLWithPath: "/bin/sleep")
            holder.arguments = ["60"]
            try holder.run()
            defer { kill(holder.processIdentifier, SIGKILL); holder.waitUntilExit() }
            let lock = project.tree.path(".crank/state/dev/lock")
            let host = ProcessInfo.processInfo.hostName
            try project.tree.write(".crank/state/dev/lock", """
                {"command": "crank deploy --env dev", "host": "\(host)", "pid": \(holder.processIdentifier), "since": "\(ISO8601DateFormatter().string(from: Date()))", "ttl_seconds": 3600, "user": "ci"}
                """)
            for command in [["restart", "--all"], ["stop", "web"], ["start", "--all"]] {
                let refused = try await project.run(command + ["--env", "dev"])
                #expect(refused.status == 3, "\(command): \(refused.stderr)")
                #expect(refused.stderr.contains("error: environment dev is locked by ci@"), "\(command): \(refused.stderr)")
            }
            // The holder finishes while a restart waits for the lock.
            Thread {
                usleep(1_500_000)
                try? FileManager.default.removeItem(atPath: lock)
            }.start()
            let waited = try await project.run(["restart", "--env", "dev", "web", "--lock-wait", "60s"])
            #expect(waited.status == 0, "\(waited.stderr)")
            #expect(try await project.run(["status", "--env", "dev"]).status == 0)
        }

        @Test("a deploy that only restarts a crashed service leaves no drift")
        func restartOfCrashedServiceIsNotDrift() async throws {
            let project = try DeployProject()
            defer { project.cleanUp() }
            #expect(try await project.run(["deploy", "--env", "dev"]).status == 0)
            #expect(try await project.run(["deploy", "--env", "dev"], ["VERSION": "2"]).status == 0)
            let web = try #require(ProjectProcesses.list(root: project.tree.root).first { $0.deployment == "web" })
            kill(web.pid, SIGKILL)
            _ = ProjectProcesses.wait(root: project.tree.root) { $0.count == 1 }
            let repair = try await project.run(["deploy", "--env", "dev"], ["VERSION": "2"])
            #expect(repair.status == 0, "\(repair.stderr)")
            let status = try await project.run(["status", "--env", "dev", "--json"], ["VERSION": "2"])
            #expect(status.status == 0, "\(status.stdout)")
            let deployments = try #require(try status.jsonObject()["deployments"] as? [[String: Any]])
            #expect(deployments.allSatisfy { $0["drift"] == nil || $0["drift"] is NSNull }, "\(deployments)")
        }

        @Test("a deploy killed while its new processes start is undone by the next command: the live release serves again")
        func interruptedDeployIsRestored() async throws {
            let project = try DeployProject()
            defer { project.cleanUp() }
            #expect(try await project.run(["deploy", "--env", "dev"]).status == 0)
            let process = try project.spawnDeploy(["VERSION": "2", "SLOW_START": "5"])
            // Killed once the new release's processes run (and are still starting).
            let started = ProjectProcesses.wait(root: project.tree.root, timeout: 20) { $0.contains { $0.release == "r2" } }
            #expect(started.contains { $0.release == "r2" }, "r2 never started")
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let status = try await project.run(["status", "--env", "dev"])
            #expect(status.status == 1, "status must not call an interrupted environment healthy: \(status.stdout)")
            let next = try await project.run(["restart", "--env", "dev", "worker"])
            #expect(next.status == 0, "\(next.stderr)")
            #expect(next.stderr.contains("release r2 was left pending by a deploy that stopped"), "\(next.stderr)")
            #expect(project.version(project.web) == "1")
            let running = ProjectProcesses.wait(root: project.tree.root) { $0.count == 2 && !$0.contains { $0.release == "r2" } }
            #expect(running.count == 2 && !running.contains { $0.release == "r2" }, "\(running)")
            #expect(try await project.runHistory().map { $0["status"] as? String }.first != "pending")
            #expect(try await project.run(["status", "--env", "dev"]).status == 0)
        }

        @Test("rollback, status, history, health, lock, start/stop/restart and clean work from the recorded release when crank.yaml is broken or deleted")
        func brokenConfig() async throws {
            let project = try DeployProject()
            defer { project.cleanUp() }
            #expect(try await project.run(["deploy", "--env", "dev"]).status == 0)
            #expect(try await project.run(["deploy", "--env", "dev"], ["VERSION": "2"]).status == 0)
            let config = project.tree.path("crank.yaml")
            let original = try String(contentsOfFile: config, encoding: .utf8)
            try (original + "\nbogus: 1\n").write(toFile: config, atomically: true, encoding: .utf8)
            let rollback = try await project.run(["rollback", "--env", "dev"])
            #expect(rollback.status == 0, "\(rollback.stderr)")
            #expect(rollback.stderr.contains("warning: crank.yaml cannot be used (crank.yaml:"))
            #expect(rollback.stderr.contains("unknown key 'bogus'"))
            #expect(project.version(project.web) == "1")
            for command in [["status"], ["history"], ["health"], ["lock", "status"], ["restart", "--all"], ["stop", "web"], ["start", "web"]] {
                let output = try await project.run(command + ["--env", "dev"])
                #expect(output.status == 0, "\(command): \(output.stderr)")
            }
            #expect(try await project.run(["deploy", "--env", "dev"]).status == 1, "deploy needs a valid config")
            try FileManager.default.removeItem(atPath: config)
            #expect(try await project.run(["status", "--env", "dev"]).status == 0)
            let clean = try await project.run(["clean", "--env", "dev", "--yes"])
            #expect(clean.status == 0, "\(clean.stderr)")
            #expect(ProjectProcesses.wait(root: project.tree.root) { $0.isEmpty }.isEmpty)
        }
    }
}

extension DeployProject {
    /// `crank …` on its own thread: a blocking child-process wait must not hold one of the
    /// few threads of Swift's cooperative pool that concurrently running tests depend on.
    func run(_ arguments: [String], _ environment: [String: String] = [:]) async throws -> ProcessOutput {
        let project = self
        return try await ProcessRunner.offPool { try project.crank(arguments, environment) }
    }

    func runHistory() async throws -> [[String: Any]] {
        let output = try await run(["history", "--env", "dev", "--json"])
        return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]])
    }

    /// The HTTP status of `GET /` on `port`, or nil when nothing answers.
    func status(_ port: Int) -> Int? {
        RawHTTP.get(port: port, timeout: 2).status
    }

    /// `crank deploy --env dev` started in the background (the caller kills or waits for it).
    func spawnDeploy(_ environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessRunner.crankPath)
        process.arguments = ["deploy", "--env", "dev", "-C", tree.root]
        process.environment = ProcessInfo.processInfo.environment.merging(["API_TOKEN": token]) { _, new in new }.merging(environment) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}

