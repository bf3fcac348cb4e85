import DeployCore
import Foundation

/// A JUnit XML report (`--junit FILE` of health and smoke): one `<testsuite>`, a `<testcase>`
/// per deployment checked or flow run, `<failure>` for those that did not pass. Every text is
/// redacted, then escaped for XML (characters XML 1.0 cannot hold are dropped).
struct JUnitReport: Equatable {
    struct TestCase: Equatable {
        var className: String
        var name: String
        var seconds: Double?
        /// Why it failed; nil when it passed.
        var failure: String?
        var output: String?
    }

    var name: String
    var cases: [TestCase]

    var failures: Int { cases.filter { $0.failure != nil }.count }

    func xml(redactor: Redactor = .none) -> String {
        func text(_ value: String) -> String { Self.escape(redactor.redact(value)) }
        let total = cases.compactMap(\.seconds).reduce(0, +)
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuite name=\"\(text(name))\" tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"0\""
        xml += cases.contains { $0.seconds != nil } ? " time=\"\(Self.seconds(total))\">\n" : ">\n"
        for test in cases {
            xml += "    <testcase classname=\"\(text(test.className))\" name=\"\(text(test.name))\""
            if let seconds = test.seconds { xml += " time=\"\(Self.seconds(seconds))\"" }
            guard test.failure != nil || test.output != nil else { xml += "/>\n"; continue }
            xml += ">"
            if let failure = test.failure { xml += "<failure message=\"\(text(failure))\">\(text(failure))</failure>" }
            if let output = test.output { xml += "<system-out>\(text(output))</system-out>" }
            xml += "</testcase>\n"
        }
        xml += "</testsuite>\n"
        return xml
    }

    /// Writes the report atomically (never a half-written file).
    func write(to path: String, redactor: Redactor = .none) throws {
        try AtomicFile.write(Data(xml(redactor: redactor).utf8), to: path)
    }

    static func seconds(_ value: Double) -> String { String(format: "%.3f", value) }

    /// Text for an attribute or element: `& < > " '` as entities, line breaks as character
    /// references, characters XML 1.0 forbids (other control characters, U+FFFE/U+FFFF) dropped.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\n": result += "&#10;"
            case "\r": result += "&#13;"
            case "\t": result += "&#9;"
            default:
                let value = scalar.value
                if value < 0x20 || value == 0xFFFE || value == 0xFFFF { continue }
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
