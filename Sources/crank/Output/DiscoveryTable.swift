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

/// Left-aligned columns separated by two spaces.
enum TextTable {
    static func render(_ rows: [[String]]) -> String {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
