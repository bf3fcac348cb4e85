import CrankTestSupport
import Foundation
import Testing
@testable import DeployCore

/// Files discovery cannot read are named, never skipped silently.
extension FileInputTests {
    @Test("a 'coding: utf-16' declaration on ASCII text is a decode-error, as in Python")
    func declaredUTF16() throws {
        let report = try discover("u16.py", bytes: Array(("# coding: utf-16\n" + simpleFlow).utf8))
        #expect(report.diagnostics.map(\.code) == [.decodeError])
        #expect(report.diagnostics.first?.file == "u16.py")
        #expect(report.diagnostics.first?.message.contains("utf-16") == true)
        #expect(report.flows.isEmpty)
    }

    @Test("a UTF-16 file (byte-order mark FF FE) gets an unsupported-encoding warning")
    func utf16File() throws {
        let utf16 = Array(simpleFlow.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        let report = try discover("wide.py", bytes: [0xFF, 0xFE] + utf16)
        #expect(report.diagnostics.map(\.code) == [.unsupportedEncoding])
        #expect(report.diagnostics.first?.severity == .warning)
        #expect(report.diagnostics.first?.message.contains("UTF-16") == true)
    }

    @Test("a doubled byte-order mark is a decode-error (Python refuses U+FEFF in code)")
    func doubledBOM() throws {
        let report = try discover("twice.py", bytes: [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + Array(simpleFlow.utf8))
        #expect(report.diagnostics.map(\.code) == [.decodeError])
        #expect(report.diagnostics.first?.line == 1)
        #expect(report.diagnostics.first?.message.contains("byte-order mark") == true)
    }

    @Test("a latin-1 declaration still decodes (the ASCII-compatibility check passes)")
    func latin1StillWorks() throws {
        let report = try discover("l.py", bytes: Array(("# -*- coding: latin-1 -*-\n" + simpleFlow).utf8))
        #expect(report.flows.map(\.function) == ["f"])
        #expect(report.diagnostics.isEmpty)
    }
}
