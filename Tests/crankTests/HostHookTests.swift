import CrankTestSupport
import Foundation
import Testing

extension RealProcessSuites {
    @Suite("hooks on an environment with hosts (simulated hosts over ssh)", .serialized)
    struct HostHookTests {
        @Test("a hook runs once, on its deployment's first host, in that host's release directory; a failing pre_deploy changes no host; a hanging one is killed with its group")
        func hooksOnHosts() async throws {
            let project = try HostsProject()
            defer { project.cleanUp() }
            let marks = try TemporaryTree()
            try project.tree.write("hook.py", HookProject.hook)
            let yaml = try String(contentsOfFile: project.tree.path("crank.yaml"), encoding: .utf8) + """
                    hooks:
                      pre_deploy: [{run: [python3, hook.py, pre, \(marks.root)], on: web, timeout: "${PRE_TIMEOUT:-60s}"}]

                """
            try project.tree.write("crank.yaml", yaml)
            let first = try await project.run(["deploy", "--env", "prod"])
            #expect(first.status == 0, "\(first.stderr)")
            let firstHost = project.hosts.hosts[0]
            #expect((try? String(contentsOfFile: marks.path("pre-r1"), encoding: .utf8)) == "\(firstHost.root)/crank/releases/prod/r1")
            let log = try String(contentsOfFile: project.tree.path(".crank/state/prod/releases/r1.log"), encoding: .utf8)
            #expect(log.components(separatedBy: "== pre_deploy hook:").count == 2, "the hook ran more than once: \(log)")

            try marks.write("pre.mode", "fail")
            let failed = try await project.run(["deploy", "--env", "prod", "--json"], ["VERSION": "2"])
            #expect(failed.status == 1)
            #expect((try failed.jsonObject()["failure"] as? [String: String])?["check"] == "pre_deploy hook")
            #expect(project.versions() == ["1", "1", "1"])
            let failedLog = try String(contentsOfFile: project.tree.path(".crank/state/prod/releases/r2.log"), encoding: .utf8)
            #expect(failedLog.contains("migration failed: table exists") && failedLog.contains("== failed, exit 3 after"), "\(failedLog)")

            try marks.write("pre.mode", "hang")
            let hung = try await project.run(["deploy", "--env", "prod", "--json"], ["VERSION": "3", "PRE_TIMEOUT": "2s"])
            #expect(hung.status == 1)
            #expect((try hung.jsonObject()["failure"] as? [String: String])?["observed"]?.contains("timed out after 2s") == true, "\(hung.stdout)")
            let child = try #require(Int32(try String(contentsOfFile: marks.path("child.pid"), encoding: .utf8)))
            #expect(processIsGone(child), "the hook's child \(child) still runs on the host")
            #expect(project.versions() == ["1", "1", "1"])
            #expect(try await project.history() == ["failed", "failed", "live"])
        }
    }
}
