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
        let path = issue.path.isEmpty || issue.message.hasPrefix(issue.path) ? "" : "\(issue.path): "
        return "\(location(issue)): \(path)\(issue.message) [\(issue.code.rawValue)]"
    }

    /// A GitHub Actions workflow command; the hint joins the message.
    static func githubCommand(_ issue: ConfigIssue) -> String {
        var properties = ["file=\(escapeProperty(issue.file))"]
        if let line = issue.line { properties.append("line=\(line)") }
        if let column = issue.column { properties.append("col=\(column)") }
        properties.append("title=\(escapeProperty("crank \(issue.code.rawValue)"))")
        var message = issue.path.isEmpty || issue.message.hasPrefix(issue.path) ? issue.message : "\(issue.path): \(issue.message)"
        if let hint = issue.hint { message += " (hint: \(hint))" }
        return "::\(issue.severity == .error ? "error" : "warning") \(properties.joined(separator: ","))::\(escapeData(message))"
    }

    static func escapeData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
