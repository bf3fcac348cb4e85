import DeployCore
import Foundation

/// A GitHub Actions job summary: Markdown appended (never overwritten — every step of a job
/// adds its own part) to the file `$GITHUB_STEP_SUMMARY` names. Built from plain texts; each is
/// redacted, then escaped, when the Markdown is rendered, so a value cannot break a table or
/// inject markup.
struct StepSummary: Equatable {
    enum Block: Equatable {
        case heading(String)
        case paragraph(String)
        case table(header: [String], rows: [[String]])
    }

    var blocks: [Block] = []

    init(_ title: String) { blocks = [.heading(title)] }

    mutating func paragraph(_ text: String) { blocks.append(.paragraph(text)) }

    mutating func table(_ header: [String], _ rows: [[String]]) {
        guard !rows.isEmpty else { return }
        blocks.append(.table(header: header, rows: rows))
    }

    func markdown(redactor: Redactor = .none) -> String {
        var text = ""
        for block in blocks {
            switch block {
            case .heading(let title):
                text += "### \(Self.escape(redactor.redact(title)))\n\n"
            case .paragraph(let paragraph):
                text += Self.escape(redactor.redact(paragraph)) + "\n\n"
            case .table(let header, let rows):
                text += "| " + header.map { Self.escape(redactor.redact($0)) }.joined(separator: " | ") + " |\n"
                text += "|" + String(repeating: " --- |", count: header.count) + "\n"
                for row in rows {
                    let cells = header.indices.map { $0 < row.count ? Self.escape(redactor.redact(row[$0])) : "" }
                    text += "| " + cells.joined(separator: " | ") + " |\n"
                }
                text += "\n"
            }
        }
        return text
    }

    /// One line of literal text: HTML, table pipes and Markdown punctuation escaped, line breaks as `<br>`.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "|", "\\", "`", "*", "_", "[", "]": result += "\\" + String(character)
            case "\r\n", "\n", "\r": result += "<br>"
            default: result.append(character)
            }
        }
        return result
    }

    /// Appends `markdown` to the file at `path` (created when missing).
    static func append(_ markdown: String, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw AppendFailure(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        let bytes = Array(markdown.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw AppendFailure(path: path, reason: String(cString: strerror(errno)))
            }
            offset += written
        }
    }

    struct AppendFailure: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "cannot append the job summary to \(path): \(reason)" }
    }
}
