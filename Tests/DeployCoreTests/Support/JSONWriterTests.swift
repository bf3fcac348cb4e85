import Foundation
import Testing
@testable import DeployCore

@Suite("JSON writer")
struct JSONWriterTests {
    @Test("the output parses back to the same values, strings escaped")
    func roundTrip() throws {
        let value: JSONValue = .object([
            "text": .string("quote \" backslash \\ newline \n tab \t bell \u{07} é"),
            "numbers": .array([.int(-3), .double(2.5), .null, .bool(true)]),
            "empty": .object([:]), "none": .array([]),
        ])
        var writer = JSONWriter()
        writer.value(value)
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(writer.bytes))
        #expect(decoded == value)
    }

    @Test("an array rendered on all cores is byte-identical to one rendered serially, also through a sink")
    func concurrentMatchesSerial() {
        let items = (0..<5_000).map { "item-\($0)" }
        var serial = JSONWriter()
        serial.object { writer in
            writer.key("items")
            writer.array(items) { $0.string($1) }
        }
        var concurrent = JSONWriter()
        concurrent.object { writer in
            writer.key("items")
            writer.concurrentArray(items) { $0.string($1) }
        }
        #expect(concurrent.bytes == serial.bytes)
        var pieces: [[UInt8]] = []
        var streamed = JSONWriter(sink: { pieces.append($0) })
        streamed.object { writer in
            writer.key("items")
            writer.concurrentArray(items) { $0.string($1) }
        }
        streamed.finish()
        #expect(Array(pieces.joined()) == serial.bytes + [0x0A])
    }
}
