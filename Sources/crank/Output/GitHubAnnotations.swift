import DeployCore

/// One GitHub Actions annotation, written as a workflow command on stdout:
/// `::error file=crank.yaml,line=4,col=23,title=crank unknown-key::message`.
/// The message escapes `%`, CR and LF (so a value can never end the line and start a command of
/// its own); properties also escape `,` and `:`. Texts are redacted before they are escaped.
struct GitHubAnnotation: Equatable {
    enum Level: String { case error, warning, notice }

    var level: Level
    var message: String
    var title: String?
    var file: String?
    var line: Int?
    var column: Int?

    init(_ level: Level, _ message: String, title: String? = nil, file: String? = nil, line: Int? = nil, column: Int? = nil) {
        self.level = level
        self.message = message
        self.title = title
        self.file = file
        self.line = line
        self.column = column
    }

    /// The workflow command, secret values replaced by `[redacted:NAME]`.
    func command(redactor: Redactor = .none) -> String {
        var properties: [String] = []
        if let file, !file.isEmpty { properties.append("file=\(Self.escapeProperty(redactor.redact(file)))") }
        if let line { properties.append("line=\(line)") }
        if let column { properties.append("col=\(column)") }
        if let title { properties.append("title=\(Self.escapeProperty(redactor.redact(title)))") }
        let head = properties.isEmpty ? "" : " " + properties.joined(separator: ",")
        return "::\(level.rawValue)\(head)::\(Self.escapeData(redactor.redact(message)))"
    }

    /// A config issue: its file, line and column; the hint joins the message.
    init(_ issue: ConfigIssue) {
        var message = issue.path.isEmpty || issue.message.hasPrefix(issue.path) ? issue.message : "\(issue.path): \(issue.message)"
        if let hint = issue.hint { message += " (hint: \(hint))" }
        self.init(issue.severity == .error ? .error : .warning, message, title: "crank \(issue.code.rawValue)",
                  file: issue.file, line: issue.line, column: issue.column)
    }

    static func escapeData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
