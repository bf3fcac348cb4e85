import CrankTestSupport
import DeployCore
import Foundation
import Testing

/// docs/troubleshooting.md promises a row for every code crank can print; this keeps it true.
@Suite("docs/troubleshooting.md against the code")
struct TroubleshootingDocTests {
    /// The codes in the first column of the table under `heading` (up to the next `## `).
    static func documentedCodes(under heading: String) throws -> [String] {
        let text = try String(contentsOfFile: Checkout.root + "/docs/troubleshooting.md", encoding: .utf8)
        guard let start = text.range(of: "\n" + heading) else { throw TestFailure("no section \(heading)") }
        let rest = text[start.upperBound...]
        let section = rest.range(of: "\n## ").map { rest[..<$0.lowerBound] } ?? rest
        return section.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| `") else { return nil }
            let cell = line.dropFirst(3)
            return cell.firstIndex(of: "`").map { String(cell[..<$0]) }
        }
    }

    @Test("every configuration code has exactly one row, and every row is a code crank has")
    func configurationCodes() throws {
        let documented = try Self.documentedCodes(under: "## Configuration codes")
        #expect(documented.sorted() == ConfigIssue.Code.allCases.map(\.rawValue).sorted())
        #expect(Set(documented).count == documented.count, "a code is documented twice")
    }

    @Test("every discovery code has exactly one row, and every row is a code crank has")
    func discoveryCodes() throws {
        let documented = try Self.documentedCodes(under: "## Discovery codes")
        #expect(documented.sorted() == Diagnostic.Code.allCases.map(\.rawValue).sorted())
    }

    @Test("the exit codes are the ones `crank --help` lists")
    func exitCodes() throws {
        let documented = try Self.documentedCodes(under: "## Exit codes")
        #expect(documented == ["0", "1", "2", "3", "64", "125"])
        let help = try ProcessRunner.crank(["--help"]).stdout
        let listed = try #require(help.range(of: "Exit codes", options: .caseInsensitive), "crank --help lists no exit codes")
        let words = Set(help[listed.upperBound...].split { !$0.isNumber }.map(String.init))
        for code in documented {
            #expect(words.contains(code), "crank --help does not list exit code \(code)")
        }
    }
}
