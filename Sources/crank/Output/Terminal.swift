import DeployCore
import Foundation

/// Where the CLI writes: results on stdout, diagnostics on stderr (`error:`, `warning:`,
/// `hint:`), colour only when stderr is a terminal and NO_COLOR is unset.
struct Terminal {
    let colour: Bool
    /// `--format github`: each error and warning is also a GitHub annotation (workflow command)
    /// on stdout, with this title (e.g. "crank deploy").
    var annotationTitle: String?
    /// Applied to annotations (stderr texts are secret-free by construction; annotations also
    /// reach the job's page, so they get the environment's redactor once it is known).
    var annotationRedactor = Redactor.none

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        colour = isatty(STDERR_FILENO) == 1 && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    }

    func print(_ text: String) {
        guard !text.isEmpty else { return }
        FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// One JSON document on stdout, in the same layout for every command.
    func printJSON<Value: Encodable>(_ value: Value) throws {
        let data = try JSONEncoder().encode(value)
        var writer = JSONWriter(capacity: data.count * 2)
        writer.value(try JSONDecoder().decode(JSONValue.self, from: data))
        writer.finish()
        writeOut(writer.bytes)
    }

    /// The fast path for large documents (`discover --json`).
    func printDocument(_ value: some JSONWritable) {
        value.writeJSON { writeOut($0) }
    }

    /// Writes straight to file descriptor 1, without copying the document.
    private func writeOut(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = write(STDOUT_FILENO, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    func note(_ text: String) {
        writeError(text)
    }

    func error(_ message: String, hint: String? = nil) {
        writeError(label("error:", code: "1;31") + " " + message)
        if let hint { writeError(label("hint:", code: "36") + " " + hint) }
        annotate(.error, message, hint: hint)
    }

    func report(_ issues: [ConfigIssue]) {
        for issue in issues {
            let message = IssueRendering.line(issue)
            writeError(label(issue.severity == .error ? "error:" : "warning:", code: issue.severity == .error ? "1;31" : "33") + " " + message)
            if let hint = issue.hint { writeError(label("hint:", code: "36") + " " + hint) }
            if annotationTitle != nil { print(GitHubAnnotation(issue).command(redactor: annotationRedactor)) }
        }
    }

    func warning(_ message: String, hint: String? = nil) {
        writeError(label("warning:", code: "33") + " " + message)
        if let hint { writeError(label("hint:", code: "36") + " " + hint) }
        annotate(.warning, message, hint: hint)
    }

    private func annotate(_ level: GitHubAnnotation.Level, _ message: String, hint: String?) {
        guard let annotationTitle else { return }
        print(GitHubAnnotation(level, message + (hint.map { " (hint: \($0))" } ?? ""), title: annotationTitle).command(redactor: annotationRedactor))
    }

    func report(_ diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics {
            var location = diagnostic.file.isEmpty ? "." : diagnostic.file
            if let line = diagnostic.line { location += ":\(line)" }
            let message = "\(location): \(diagnostic.message) [\(diagnostic.code.rawValue)]"
            switch diagnostic.severity {
            case .error: error(message, hint: diagnostic.hint)
            case .warning: warning(message, hint: diagnostic.hint)
            }
        }
    }

    private func label(_ text: String, code: String) -> String {
        colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    private func writeError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
