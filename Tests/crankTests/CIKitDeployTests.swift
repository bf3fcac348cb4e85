import CrankTestSupport
import Foundation
import Testing

extension RealProcessSuites {
    @Suite("CI kit: deploy and rollback --format github (real processes)", .serialized)
    struct CIKitDeployTests {
        @Test("deploy --format github: a failed gate and each rollback are annotated with the reason, the summary has the table, the secret is nowhere; rollback --format github too")
        func failedDeploy() throws {
            let project = try DeployProject()
            defer { project.cleanUp() }
            try project.tree.write("summary.md", "### an earlier step\n\n")
            let summary = project.tree.path("summary.md")
            let good = try project.crank(["deploy", "--env", "dev", "--format", "github"], ["GITHUB_STEP_SUMMARY": summary])
            #expect(good.status == 0, "\(good.stderr)")
            #expect(!good.stdout.contains("::error") && !good.stdout.contains("::warning"), "\(good.stdout)")

            let failed = try project.crank(["deploy", "--env", "dev", "--format", "github"],
                                           ["VERSION": "2", "WORKER_FAIL": "1", "WORKER_TIMEOUT": "8", "GITHUB_STEP_SUMMARY": summary])
            #expect(failed.status == 1)
            let lines = failed.stdout.split(separator: "\n").map(String.init)
            #expect(lines.contains { $0.hasPrefix("::error title=crank deploy --env dev::release r2 failed: worker http check observed HTTP 503, wanted HTTP 2xx within 8 s (hint: ") },
                    "\(failed.stdout)")
            let rollbacks = lines.filter { $0.hasPrefix("::warning title=crank deploy --env dev%3A rollback of release r2::") }
            #expect(rollbacks.count == 2, "\(failed.stdout)")
            #expect(rollbacks.allSatisfy { $0.contains("after worker failed its http check (observed HTTP 503, wanted HTTP 2xx within 8 s)") })
            #expect(project.version(project.worker) == "1", "the previous release serves again")

            let markdown = try String(contentsOfFile: summary, encoding: .utf8)
            let sections = markdown.components(separatedBy: "### crank deploy --env dev\n\n")
            #expect(sections.count == 3 && sections[0] == "### an earlier step\n\n", "\(markdown)")
            #expect(sections[1].hasPrefix("dev is live at r1\n\n| DEPLOYMENT | TARGET | RELEASE | ACTION | OUTCOME | DETAIL |"), "\(markdown)")
            #expect(sections[2].hasPrefix("FAILED — release r2 of dev failed: worker http check observed HTTP 503, wanted HTTP 2xx within 8 s; the previous release was restored"), "\(markdown)")
            #expect(sections[2].contains("| worker | local | r1 | rollback | restored r1 |"), "\(markdown)")

            // rollback --format github: the summary says where it went; a refused one is an annotation.
            let third = try project.crank(["deploy", "--env", "dev"], ["VERSION": "3"])
            #expect(third.status == 0, "\(third.stderr)")
            let back = try project.crank(["rollback", "--env", "dev", "--format", "github"], ["GITHUB_STEP_SUMMARY": summary])
            #expect(back.status == 0, "\(back.stdout)\(back.stderr)")
            #expect(!back.stdout.contains("::error") && !back.stdout.contains("::warning"), "\(back.stdout)")
            let refused = try project.crank(["rollback", "--env", "dev", "--to", "r2", "--format", "github"], ["GITHUB_STEP_SUMMARY": summary])
            #expect(refused.status == 1)
            #expect(refused.stdout.contains("::error title=crank rollback --env dev::"), "\(refused.stdout)\(refused.stderr)")
            let after = try String(contentsOfFile: summary, encoding: .utf8)
            let rollbackSections = after.components(separatedBy: "### crank rollback --env dev\n\n")
            #expect(rollbackSections.count == 2, "\(after)")
            #expect(rollbackSections.last?.hasPrefix("dev rolled back to r1\n\n| DEPLOYMENT | TARGET | RELEASE | ACTION | OUTCOME | DETAIL |") == true, "\(after)")
            #expect(try project.crank(["rollback", "--env", "dev", "--format", "github", "--json"]).status == 64)

            for text in [good.stdout, good.stderr, failed.stdout, failed.stderr, markdown, back.stdout, refused.stdout, after] {
                #expect(!text.contains(project.token))
            }
        }
    }
}
