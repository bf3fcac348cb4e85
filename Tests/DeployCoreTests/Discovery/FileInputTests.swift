import CrankTestSupport
import Foundation
import Testing
@testable import DeployCore

@Suite("Bad and unusual file contents")
struct FileInputTests {
    func discover(_ name: String, bytes: [UInt8]) throws -> DiscoveryReport {
        let tree = try TemporaryTree()
        try tree.write(name, bytes: bytes)
        return FlowDiscovery.discover(root: tree.root)
    }

    @Test("a UTF-8 byte-order mark is skipped")
    func bom() throws {
        let report = try discover("bom.py", bytes: [0xEF, 0xBB, 0xBF] + Array(simpleFlow.utf8))
        #expect(report.flows.map(\.line) == [4])
        #expect(report.diagnostics.isEmpty)
    }

    @Test("CRLF files parse with the right lines")
    func crlf() throws {
        let source = simpleFlow.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(try discover("crlf.py", bytes: Array(source.utf8)).flows.map(\.line) == [4])
    }

    @Test("tab-indented files parse")
    func tabs() throws {
        let source = "from prefect import flow\nclass A:\n\t@flow\n\tdef m(self):\n\t\tpass\n"
        #expect(try discover("tabs.py", bytes: Array(source.utf8)).flows.map(\.function) == ["A.m"])
    }

    @Test("a binary file named .py is a binary-file error, not a crash")
    func binary() throws {
        let report = try discover("blob.py", bytes: Array("prefect flow\n\n".utf8) + [0, 1, 2, 0xFF])
        #expect(report.diagnostics.map(\.code) == [.binaryFile])
        #expect(report.diagnostics.first?.line == 3)
    }

    @Test("invalid UTF-8 is a decode-error with its line")
    func invalidUTF8() throws {
        let report = try discover("latin.py", bytes: Array(simpleFlow.utf8) + Array("x = '".utf8) + [0xE9] + Array("'\n".utf8))
        #expect(report.diagnostics.map(\.code) == [.decodeError])
        #expect(report.diagnostics.first?.line == 6)
        #expect(report.flows.isEmpty)
    }

    @Test("a latin-1 coding declaration is honoured")
    func latin1() throws {
        let header = Array("# -*- coding: latin-1 -*-\nfrom prefect import flow\n@flow(name='caf".utf8)
        let report = try discover("latin.py", bytes: header + [0xE9] + Array("')\ndef f(): pass\n".utf8))
        #expect(report.flows.map(\.name) == ["café"])
    }

    @Test("other declared encodings are transcoded (koi8-r)")
    func koi8() throws {
        let header = Array("# coding: koi8-r\nfrom prefect import flow\n@flow(name='".utf8)
        let report = try discover("koi.py", bytes: header + [0xD0, 0xD2, 0xC9] + Array("')\ndef f(): pass\n".utf8))
        #expect(report.flows.map(\.name) == ["при"])
    }

    @Test("an unknown declared encoding is a decode-error")
    func unknownEncoding() throws {
        let report = try discover("x.py", bytes: Array(("# coding: no-such-codec\n" + simpleFlow).utf8))
        #expect(report.diagnostics.map(\.code) == [.decodeError])
        #expect(report.diagnostics.first?.message == "unknown source encoding 'no-such-codec'")
    }

    @Test("bytes invalid in the declared encoding are a decode-error with their line")
    func invalidInDeclaredEncoding() throws {
        let bad = try discover("y.py", bytes: Array("# coding: shift_jis\n\(simpleFlow)x = '".utf8) + [0x81, 0x20] + Array("'\n".utf8))
        #expect(bad.diagnostics.map(\.code) == [.decodeError])
        #expect(bad.diagnostics.first?.line == 7)
    }

    @Test("a 10 MB file is scanned completely")
    func largeFile() throws {
        var source = simpleFlow
        let filler = "def helper_function(argument):\n    return [argument, 'some text', 12345, {'k': 'v'}]\n\n"
        while source.utf8.count < 10 * 1_048_576 { source += filler }
        source += "@flow\ndef at_the_end():\n    pass\n"
        let report = try discover("big.py", bytes: Array(source.utf8))
        #expect(report.flows.map(\.function) == ["f", "at_the_end"])
        #expect(report.diagnostics.isEmpty)
    }

    @Test("deeply nested brackets in a flow file are a syntax-error, not a crash")
    func deepNesting() throws {
        let source = simpleFlow + "x = " + String(repeating: "[", count: 100_000) + "\n"
        let report = try discover("deep.py", bytes: Array(source.utf8))
        #expect(report.diagnostics.map(\.code) == [.syntaxError])
        #expect(report.diagnostics.first?.message.hasPrefix("too many nested parentheses") == true)
    }

    @Test("files that never mention prefect are not parsed, so their errors do not matter")
    func unrelatedFiles() throws {
        let report = try discover("other.py", bytes: Array("def broken(:\n  'unterminated\n".utf8))
        #expect(report.diagnostics.isEmpty)
    }
}
