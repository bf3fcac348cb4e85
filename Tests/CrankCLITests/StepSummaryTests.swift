@testable import crank
import CrankTestSupport
import DeployCore
import Foundation
import Testing

@Suite("GitHub job summary (Markdown for $GITHUB_STEP_SUMMARY)")
struct StepSummaryTests {
    @Test("a table escapes pipes, line breaks, HTML and Markdown punctuation in every cell")
    func tableEscaping() {
        var summary = StepSummary("crank deploy --env dev")
        summary.paragraph("dev is live at r2")
        summary.table(["DEPLOYMENT", "DETAIL"], [["api", "a|b\nc <script>x</script> [link](http://evil) *bold* `code` a\\b"]])
        #expect(summary.markdown() == """
            ### crank deploy --env dev

            dev is live at r2

            | DEPLOYMENT | DETAIL |
            | --- | --- |
            | api | a\\|b<br>c &lt;script&gt;x&lt;/script&gt; \\[link\\](http://evil) \\*bold\\* \\`code\\` a\\\\b |


            """)
    }

    @Test("a row shorter than the header gets empty cells; a table without rows is left out")
    func shapes() {
        var summary = StepSummary("t")
        summary.table(["A", "B"], [])
        summary.table(["A", "B"], [["only"]])
        #expect(summary.markdown() == "### t\n\n| A | B |\n| --- | --- |\n| only |  |\n\n")
    }

    @Test("secret values are redacted before escaping, in headings, paragraphs and cells")
    func redaction() {
        let secret = "hunter2|secret"
        var summary = StepSummary("deploy \(secret)")
        summary.paragraph("saw \(secret)")
        summary.table(["X"], [["env \(secret)"]])
        let markdown = summary.markdown(redactor: Redactor(secrets: [("DB_PASSWORD", secret)]))
        #expect(!markdown.contains("hunter2"))
        #expect(markdown.components(separatedBy: "\\[redacted:DB\\_PASSWORD\\]").count == 4, "\(markdown)")
    }

    @Test("the summary is appended to the file, never overwriting what earlier steps wrote")
    func appends() throws {
        let tree = try TemporaryTree(["summary.md": "### an earlier step\n\n"])
        let path = tree.path("summary.md")
        try StepSummary.append("first\n", to: path)
        try StepSummary.append("second\n", to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "### an earlier step\n\nfirst\nsecond\n")
        let fresh = tree.path("new.md")
        try StepSummary.append("created\n", to: fresh)
        #expect(try String(contentsOfFile: fresh, encoding: .utf8) == "created\n")
        #expect(throws: StepSummary.AppendFailure.self) { try StepSummary.append("x", to: tree.path("no/such/dir/s.md")) }
    }

    @Test("GitHubOutput writes nothing when GITHUB_STEP_SUMMARY is unset or empty")
    func unset() {
        #expect(GitHubOutput(terminal: Terminal(), environment: [:]).summaryFile == nil)
        #expect(GitHubOutput(terminal: Terminal(), environment: ["GITHUB_STEP_SUMMARY": ""]).summaryFile == nil)
        #expect(GitHubOutput(terminal: Terminal(), environment: ["GITHUB_STEP_SUMMARY": "/tmp/s"]).summaryFile == "/tmp/s")
    }
}
