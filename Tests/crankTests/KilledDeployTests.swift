import CrankTestSupport
import Foundation
import Testing

/// kill -9 of crank at random moments of real deploys. After each kill the next command must
/// recover: no orphan left, `status` true to what runs, history parseable with one live release.
/// The moments come from a seeded generator (printed on failure) so a failure can be replayed.
extension RealProcessSuites {
    @Suite("crank killed at random moments (real processes and containers)", .serialized)
    struct KilledDeployTests {
        /// 10 per CI run, at moments that change every day (the seed is the day's number); a
        /// failure names its seed, CRANK_CHAOS_SEED replays it, CRANK_CHAOS_KILLS widens the hunt.
        static let kills = Int(ProcessInfo.processInfo.environment["CRANK_CHAOS_KILLS"] ?? "") ?? 10
        static var seed: UInt64 {
            UInt64(ProcessInfo.processInfo.environment["CRANK_CHAOS_SEED"] ?? "") ?? UInt64(Date().timeIntervalSince1970 / 86_400)
        }

        @Test("local target: kills mid-deploy at seeded random moments, each followed by a recovering command")
        func localTarget() async throws {
            let project = try DeployProject()
            defer { project.cleanUp() }
            #expect(try await project.run(["deploy", "--env", "dev"]).status == 0)
            var random = SeededRandom(seed: Self.seed)
            for round in 1...Self.kills {
                let delay = Double(random.next() % 1500) / 1000
                let slow = random.next() % 2 == 0 ? "0" : "0.5"
                let context = "round \(round), seed \(random.seed), kill after \(delay) s"
                let process = try project.spawnDeploy(["VERSION": "k\(round)", "SLOW_START": slow])
                try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()

                // status is true: it names every process crank runs for the environment, no other.
                let running = ProjectProcesses.list(root: project.tree.root)
                let status = try await project.run(["status", "--env", "dev", "--json"])
                let reported = try #require(try status.jsonObject()["deployments"] as? [[String: Any]], "\(context)")
                let reportedPIDs = Set(reported.filter { $0["state"] as? String == "running" }.compactMap { ($0["pid"] as? NSNumber)?.int32Value })
                let stillRunning = Set(ProjectProcesses.list(root: project.tree.root).map(\.pid))
                // A process may exit between the two looks (a starting one killed by its failed bind); none may be missing from status.
                #expect(Set(running.map(\.pid)).intersection(stillRunning).isSubset(of: reportedPIDs), "\(context): status \(reported), running \(running)")

                // The next command recovers and deploys.
                let next = try await project.run(["deploy", "--env", "dev"], ["VERSION": "after\(round)"])
                #expect(next.status == 0, "\(context): \(next.stderr)")
                #expect(project.version(project.web) == "after\(round)", "\(context)")
                #expect(project.version(project.worker) == "after\(round)", "\(context)")
                let left = ProjectProcesses.wait(root: project.tree.root) { $0.count == 2 }
                #expect(left.count == 2, "\(context): orphans left: \(left)")
                try expectConsistentHistory(await project.runHistory(), context)
                let after = try await project.run(["status", "--env", "dev"], ["VERSION": "after\(round)"])
                #expect(after.status == 0, "\(context): \(after.stdout)\(after.stderr)")
            }
        }

        /// Every release has a known status, exactly one is live, none is left pending.
        func expectConsistentHistory(_ history: [[String: Any]], _ context: String) throws {
            let statuses = history.compactMap { $0["status"] as? String }
            #expect(statuses.count == history.count, "\(context): a release without status")
            #expect(statuses.allSatisfy { ["live", "superseded", "failed", "rolled-back", "interrupted"].contains($0) }, "\(context): \(statuses)")
            #expect(statuses.filter { $0 == "live" }.count == 1, "\(context): \(statuses)")
        }
    }
}

/// A small deterministic generator (SplitMix64).
struct SeededRandom {
    let seed: UInt64
    private var state: UInt64

    init(seed: UInt64) {
        self.seed = seed
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension ContainerProject {
    /// `crank …` on its own thread (see DeployProject.run).
    func run(_ arguments: [String], _ environment: [String: String] = [:]) async throws -> ProcessOutput {
        try await ProcessRunner.offPool { try self.crank(arguments, environment) }
    }

    /// `crank ARGS -C root` in the background (the caller kills or waits for it).
    func spawn(_ arguments: [String], _ environment: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessRunner.crankPath)
        process.arguments = arguments + ["-C", tree.root]
        process.environment = ProcessInfo.processInfo.environment.merging(["WEB_TOKEN": token, "CONTAINERS_CONF": Self.conf].merging(environment) { _, new in new }) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}

extension ContainerSuites {
    /// kill -9 of crank mid-deploy on the container target (podman), 3 seeded moments per strategy
    /// (the day's seed, as for the local target; CRANK_CHAOS_SEED / CRANK_CHAOS_KILLS as there).
    @Suite("crank killed at random moments (containers)", .serialized)
    struct KilledContainerDeployTests {
        static let kills = Int(ProcessInfo.processInfo.environment["CRANK_CHAOS_KILLS"] ?? "") ?? 3

        @Test("container target: kills mid-deploy (recreate and blue-green), each followed by a recovering command")
        func containerTarget() async throws {
            for strategy in ["recreate", "blue-green"] {
                let fixture = try ContainerProject(strategy: strategy)
                defer { fixture.cleanUp() }
                #expect(try await fixture.run(["deploy", "--env", "prod"]).status == 0)
                var random = SeededRandom(seed: RealProcessSuites.KilledDeployTests.seed)
                for round in 1...Self.kills {
                    let delay = Double(random.next() % 2500) / 1000
                    let context = "\(strategy) round \(round), seed \(random.seed), kill after \(delay) s"
                    try fixture.commit("k\(round)")
                    let process = try fixture.spawn(["deploy", "--env", "prod"])
                    try await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
                    kill(process.processIdentifier, SIGKILL)
                    process.waitUntilExit()

                    try fixture.commit("after\(round)")
                    let next = try await fixture.run(["deploy", "--env", "prod"])
                    #expect(next.status == 0, "\(context): \(next.stderr)")
                    #expect(fixture.page() == "after\(round)", "\(context)")
                    let containers = try fixture.containers()
                    #expect(containers.filter { $0.hasSuffix(" running") }.count == 1, "\(context): \(containers)")
                    try RealProcessSuites.KilledDeployTests().expectConsistentHistory(fixture.history(), context)
                    let status = try await fixture.run(["status", "--env", "prod"])
                    #expect(status.status == 0, "\(context): \(status.stdout)\(status.stderr)")
                }
            }
        }
    }
}
