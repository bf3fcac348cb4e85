@testable import crank
import DeployCore
import Testing

@Suite("GitHub annotations (workflow commands)")
struct GitHubAnnotationTests {
    @Test("the message escapes %, CR and LF, so a value can never end the line and start a command of its own")
    func messageEscaping() {
        let annotation = GitHubAnnotation(.error, "100% broken\r\n::error::injected", title: "crank deploy --env dev")
        #expect(annotation.command() == "::error title=crank deploy --env dev::100%25 broken%0D%0A::error::injected")
        #expect(!annotation.command().contains("\n") && !annotation.command().contains("\r"))
    }

    @Test("properties also escape , and :, so a hostile file name or title cannot add or end properties")
    func propertyEscaping() {
        let annotation = GitHubAnnotation(.warning, "m", title: "t:1,line=9::x", file: "deploy,line=1:%\n.yaml", line: 4, column: 2)
        #expect(annotation.command() == "::warning file=deploy%2Cline=1%3A%25%0A.yaml,line=4,col=2,title=t%3A1%2Cline=9%3A%3Ax::m")
    }

    @Test("no properties: a plain ::notice::")
    func bare() {
        #expect(GitHubAnnotation(.notice, "ok").command() == "::notice::ok")
        #expect(GitHubAnnotation(.error, "x", file: "").command() == "::error::x", "an empty file is left out, not file=")
    }

    @Test("a config issue keeps its file, line and column; the hint joins the message")
    func issue() {
        let issue = ConfigIssue(.unknownKey, at: nil, file: "crank.yaml", path: "deployments.api.prot", message: "unknown key 'prot'",
                                hint: "did you mean 'port'?")
        var located = issue
        located.line = 4
        located.column = 23
        #expect(GitHubAnnotation(located).command()
            == "::error file=crank.yaml,line=4,col=23,title=crank unknown-key::deployments.api.prot: unknown key 'prot' (hint: did you mean 'port'?)")
    }

    @Test("secret values are redacted before escaping, in the message, the title and the file")
    func redaction() {
        let secret = "s3cr%t,val:ue\nx"
        let redactor = Redactor(secrets: [("API_TOKEN", secret)])
        let command = GitHubAnnotation(.error, "token \(secret) rejected", title: "deploy \(secret)", file: secret).command(redactor: redactor)
        #expect(command == "::error file=[redacted%3AAPI_TOKEN],title=deploy [redacted%3AAPI_TOKEN]::token [redacted:API_TOKEN] rejected")
        for piece in ["s3cr", "val", "%25t"] { #expect(!command.contains(piece)) }
    }
}
