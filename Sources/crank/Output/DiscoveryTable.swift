import Foundation
import DeployCore

/// The human form of `crank discover`: one row per flow.
enum DiscoveryTable {
    static func render(_ flows: [Flow]) -> String {
        guard !flows.isEmpty else { return "" }
        let rows = [["NAME", "ENTRYPOINT", "PARAMETERS"]] + flows.map { flow in
            [flow.name, flow.entrypoint, flow.parameters.map(describe).joined(separator: ", ")]
        }
        return TextTable.render(rows)
    }

    static func describe(_ parameter: FlowParameter) -> String {
        var text: String
        switch parameter.kind {
        case .varPositional: text = "*" + parameter.name
        case .varKeyword: text = "**" + parameter.name
        default: text = parameter.name
        }
        if let value = parameter.default { text += "=" + value }
        return text
    }

    static func summary(_ report: DiscoveryReport) -> String {
        let files = Set(report.flows.map(\.file)).count
        var text = "\(report.flows.count) flow\(report.flows.count == 1 ? "" : "s") in \(files) file\(files == 1 ? "" : "s")"
        if !report.diagnostics.isEmpty {
            text += "; \(report.errorCount) error\(report.errorCount == 1 ? "" : "s"), \(report.warningCount) warning\(report.warningCount == 1 ? "" : "s")"
        }
        return text
    }
}

/// Left-aligned columns separated by two spaces (widths in Unicode scalars: fast for
/// thousands of rows, exact for the ASCII that names and paths nearly always are).
enum TextTable {
    static func render(_ rows: [[String]]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.unicodeScalars.count) }
        }
        var output = ""
        output.reserveCapacity(rows.count * (widths.reduce(0, +) + 2 * columns + 1))
        for (index, row) in rows.enumerated() {
            var line = ""
            for (column, cell) in row.enumerated() {
                line += cell
                if column < row.count - 1 {
                    line += String(repeating: " ", count: widths[column] - cell.unicodeScalars.count + 2)
                }
            }
            while line.last == " " { line.removeLast() }
            output += line
            if index < rows.count - 1 { output += "\n" }
        }
        return output
    }
}
