import DeployCore

/// How config issues are written for people and for CI systems.
enum IssueRendering {
    /// `file:line:col: path: message [code]`
    static func location(_ issue: ConfigIssue) -> String {
        var text = issue.file.isEmpty ? "crank" : issue.file
        if let line = issue.line { text += ":\(line)" }
        if let column = issue.column { text += ":\(column)" }
        return text
    }

    static func line(_ issue: ConfigIssue) -> String {
        "\(location(issue)): \(text(issue))"
    }

    /// `path: message [code]`
    static func text(_ issue: ConfigIssue) -> String {
        let path = issue.path.isEmpty || issue.message.hasPrefix(issue.path) ? "" : "\(issue.path): "
        return "\(path)\(issue.message) [\(issue.code.rawValue)]"
    }

    /// A GitHub Actions workflow command; the hint joins the message.
    static func githubCommand(_ issue: ConfigIssue) -> String {
        GitHubAnnotation(issue).command()
    }
}
