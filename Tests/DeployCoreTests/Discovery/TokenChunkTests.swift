import Foundation
import Testing
@testable import DeployCore

@Suite("Large files are tokenized and parsed in chunks")
struct TokenChunkTests {
    /// Dense top-level data (one token per ~1 byte), flows between, decorators and class blocks.
    static let source: String = {
        var text = "from prefect import flow\nNAME = 'from-constant'\n"
        for index in 0..<400 {
            text += "v\(index) = [1, 2, 3, 4, 5, 6, 7, 8, 9, 0, (1, 2), {'k': 'v'}]\n"
            if index % 50 == 7 {
                text += "@flow(name=NAME + '-\(index)')\n@other\n# comment\n\n@flow\ndef f\(index)(a: int = 1):\n    '''Doc.'''\n    return a\n"
            }
            if index % 90 == 3 {
                text += "class C\(index):\n    @flow\n    def m(self):\n        pass\n"
            }
        }
        return text
    }()

    func chunks(_ text: String, minimum: Int) throws -> [[PythonToken]] {
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBufferPointer { buffer in
            var tokenizer = PythonTokenizer(source: UnsafeBufferPointer(buffer), chunkMinimum: minimum)
            var tokens: [PythonToken] = []
            var all: [[PythonToken]] = []
            var finished = false
            while !finished {
                finished = try tokenizer.next(into: &tokens)
                all.append(tokens)
            }
            return all
        }
    }

    func flows(_ text: String, minimum: Int) throws -> ParsedFile {
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBufferPointer { buffer in
            var tokens: [PythonToken] = []
            return try FlowParser.parse(UnsafeBufferPointer(buffer), file: "x.py", chunkMinimum: minimum, tokens: &tokens)
        }
    }

    @Test("the chunks add up to the whole token stream, and none holds much more than the minimum")
    func boundedChunks() throws {
        let whole = try PythonTokenizer.tokenize(Self.source)
        let parts = try chunks(Self.source, minimum: 500)
        #expect(parts.flatMap { $0 } == whole)
        #expect(parts.count > 10)
        // A chunk ends at the first safe line start after the minimum: one statement's worth more at most.
        #expect(parts.map(\.count).max()! <= 500 + 60)
    }

    @Test("parsing in chunks finds exactly what parsing the whole file finds, at any chunk size")
    func sameResult() throws {
        let whole = try flows(Self.source, minimum: .max)
        #expect(whole.flows.count == 13)
        for minimum in [1, 7, 64, 333] {
            #expect(try flows(Self.source, minimum: minimum) == whole)
        }
    }

    @Test("a syntax error after a chunk boundary is still reported with its line")
    func laterError() throws {
        let text = Self.source + "if x:\ny = 1\n"
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).count - 2
        #expect(throws: PythonSyntaxError(line: lines, message: "expected an indented block")) {
            try flows(text, minimum: 100)
        }
    }
}
