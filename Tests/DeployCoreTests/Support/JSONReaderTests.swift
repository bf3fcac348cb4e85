import Foundation
import Testing
@testable import DeployCore

@Suite("JSONReader")
struct JSONReaderTests {
    @Test("reads what JSONWriter writes, escapes and non-BMP characters included")
    func roundTrip() throws {
        let value: JSONValue = .object([
            "text": .string("quote \" backslash \\ tab \t newline \n nul-ish \u{01} emoji 🚀 é"),
            "numbers": .array([.int(0), .int(-42), .int(Int.max), .double(1.5), .double(-2.5e-3)]),
            "flags": .array([.bool(true), .bool(false), .null]),
            "nested": .object(["empty": .object([:]), "list": .array([])]),
        ])
        #expect(try JSONReader.parse(Data(JSONWriter.compactText(value).utf8)) == value)
        var pretty = JSONWriter()
        pretty.value(value)
        #expect(try JSONReader.parse(Data(pretty.bytes)) == value)
    }

    @Test("agrees with JSONDecoder on escapes Python and Prefect write")
    func escapes() throws {
        let text = #"{"a": "\u00e9\ud83d\ude80\/", "b": 1.25, "c": [ 1 , 2 ], "d": -7}"#
        let expected = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(try JSONReader.parse(Data(text.utf8)) == expected)
    }

    @Test("malformed input is an error with its byte offset, never a crash")
    func malformed() {
        for text in ["", "{", "[1,]", "{\"a\" 1}", "\"unterminated", "tru", "01x", "{\"a\":1} extra", "\"\\q\"", String(repeating: "[", count: 600)] {
            #expect(throws: JSONReader.Failure.self, "\(text.prefix(20))") { try JSONReader.parse(Data(text.utf8)) }
        }
    }
}
