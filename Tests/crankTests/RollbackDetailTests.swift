import CrankTestSupport
import Foundation
import Testing

extension RealProcessSuites {
    @Suite("what an automatic rollback reports (real processes)")
    struct RollbackDetailTests {
        @Test("after an automatic rollback the table shows the pid of each restored process, not of the one it replaced")
        func restoredPids() async throws {
            let project = try DeployProject()
            defer { project.cleanUp() }
            let first = try await project.run(["deploy", "--env", "dev"])
            #expect(first.status == 0, "\(first.stderr)")
            // web (changed) starts and passes its gate; worker cannot start: both go back to r1.
            let failed = try await project.run(["deploy", "--env", "dev"], ["WORKER_CMD": "no-such-interpreter", "VERSION": "3"])
            #expect(failed.status == 1, "\(failed.stderr)")
            let rows = failed.stdout.split(separator: "\n").map(String.init).filter { $0.contains("rollback") }
            #expect(rows.count == 2, "\(failed.stdout)")
            let status = try await project.run(["status", "--env", "dev", "--json"])
            let deployments = try #require(try status.jsonObject()["deployments"] as? [[String: Any]])
            let running = Dictionary(uniqueKeysWithValues: deployments.compactMap { entry -> (String, Int32)? in
                guard let name = entry["name"] as? String, let pid = (entry["pid"] as? NSNumber)?.int32Value else { return nil }
                return (name, pid)
            })
            #expect(running.count == 2, "\(status.stdout)")
            for name in ["web", "worker"] {
                let row = try #require(rows.first { $0.hasPrefix(name + " ") }, "\(failed.stdout)")
                #expect(row.contains("restored r1"), "\(row)")
                let pids = Self.pids(in: row)
                #expect(pids == [try #require(running[name])], "\(row) — running: \(running)")
            }
            let worker = try #require(rows.first { $0.hasPrefix("worker ") })
            #expect(worker.contains("no-such-interpreter"), "the reason the worker failed stays in its row: \(worker)")
            #expect(EnumDump.find(in: failed.stdout + failed.stderr) == nil, "\(failed.stdout)\(failed.stderr)")
        }

        /// Every `pid N` in a line.
        static func pids(in line: String) -> [Int32] {
            let words = line.split(separator: " ")
            return zip(words, words.dropFirst()).compactMap { word, next in
                word == "pid" ? Int32(next.trimmingCharacters(in: CharacterSet(charactersIn: ";,()"))) : nil
            }
        }
    }
}
