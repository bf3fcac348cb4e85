import Dispatch
import Foundation

/// A fast, streaming JSON writer: 2-space indented, keys written in the order given
/// (callers give them sorted), strings escaped per RFC 8259. `crank discover --json` on
/// thousands of flows spends a fraction of what Foundation's JSONEncoder needs.
public struct JSONWriter {
    public private(set) var bytes: [UInt8] = []
    private var depth = 0
    private var needsComma: [Bool] = [false]
    /// Receives the output in pieces when set, so a large document is never held whole.
    private var sink: (([UInt8]) -> Void)?
    static let flushThreshold = 1 << 20

    /// One line instead of indented lines (`["a", "b"]`, `{"k": 1}`).
    private var compact = false

    public init(capacity: Int = 4096) {
        bytes.reserveCapacity(capacity)
    }

    /// `value` as single-line JSON text.
    public static func compactText(_ value: JSONValue) -> String {
        var writer = JSONWriter()
        writer.compact = true
        writer.value(value)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// A writer that hands its output to `sink` in pieces of about 1 MB (call `finish()`).
    public init(sink: @escaping ([UInt8]) -> Void) {
        self.sink = sink
        bytes.reserveCapacity(Self.flushThreshold + 4096)
    }

    private mutating func flushIfLarge() {
        guard let sink, bytes.count >= Self.flushThreshold else { return }
        sink(bytes)
        bytes.removeAll(keepingCapacity: true)
    }

    /// A writer continuing inside an array at `depth`, for rendering a slice elsewhere.
    init(continuingAt depth: Int, afterFirstElement: Bool, capacity: Int) {
        bytes.reserveCapacity(capacity)
        self.depth = depth
        needsComma = [afterFirstElement]
    }

    /// An array whose elements are rendered on all cores (large documents), then joined.
    /// Chunks are rendered a wave (one per core) at a time and handed on in order, so only
    /// a wave's worth of output is held at once.
    public mutating func concurrentArray<Item: Sendable>(
        _ items: [Item], _ element: @escaping @Sendable (inout JSONWriter, Item) -> Void
    ) {
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        guard items.count >= 256, cores > 1 else {
            array(items, element)
            return
        }
        open(0x5B)
        let size = 512
        let chunkCount = (items.count + size - 1) / size
        let depth = self.depth
        var wave = 0
        while wave * cores < chunkCount {
            let first = wave * cores
            let count = min(cores, chunkCount - first)
            let chunks = ChunkResults(count: count)
            DispatchQueue.concurrentPerform(iterations: count) { offset in
                let chunk = first + offset
                let range = (chunk * size)..<min((chunk + 1) * size, items.count)
                var writer = JSONWriter(continuingAt: depth, afterFirstElement: chunk > 0, capacity: range.count * 1024)
                for index in range {
                    writer.separate()
                    element(&writer, items[index])
                }
                chunks.set(offset, writer.bytes)
            }
            for offset in 0..<count {
                bytes.append(contentsOf: chunks.take(offset))
                flushIfLarge()
            }
            wave += 1
        }
        needsComma[needsComma.count - 1] = true
        close(0x5D)
    }

    // MARK: structure

    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        open(0x7B)
        body(&self)
        close(0x7D)
    }

    public mutating func array<Items: Sequence>(_ items: Items, _ element: (inout JSONWriter, Items.Element) -> Void) {
        open(0x5B)
        for item in items {
            separate()
            element(&self, item)
        }
        close(0x5D)
    }

    /// Writes `"key": ` inside an object; follow with exactly one value.
    public mutating func key(_ name: String) {
        separate()
        string(name)
        bytes.append(0x3A)
        bytes.append(0x20)
    }

    // MARK: values

    public mutating func string(_ text: String) {
        bytes.append(0x22)
        var text = text
        let clean = text.withUTF8 { utf8 in
            if !utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
                bytes.append(contentsOf: utf8)
                return true
            }
            return false
        }
        if clean {
            bytes.append(0x22)
            return
        }
        for byte in text.utf8 {
            switch byte {
            case 0x22: bytes.append(0x5C); bytes.append(0x22)
            case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
            case 0x0A: bytes.append(0x5C); bytes.append(0x6E)
            case 0x0D: bytes.append(0x5C); bytes.append(0x72)
            case 0x09: bytes.append(0x5C); bytes.append(0x74)
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
    }

    public mutating func string(_ text: String?) {
        if let text { string(text) } else { null() }
    }

    public mutating func int(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    public mutating func int(_ value: Int?) {
        if let value { int(value) } else { null() }
    }

    public mutating func bool(_ value: Bool) {
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    public mutating func null() {
        bytes.append(contentsOf: "null".utf8)
    }

    public mutating func value(_ value: JSONValue) {
        switch value {
        case .string(let text): string(text)
        case .int(let number): int(number)
        case .double(let number): bytes.append(contentsOf: (number.isFinite ? "\(number)" : "null").utf8)
        case .bool(let flag): bool(flag)
        case .null: null()
        case .array(let items): array(items) { $0.value($1) }
        case .object(let object):
            self.object { writer in
                for name in object.keys.sorted() {
                    writer.key(name)
                    writer.value(object[name]!)
                }
            }
        }
    }

    /// Ends the document with a newline (and hands the rest to the sink, if any).
    public mutating func finish() {
        bytes.append(0x0A)
        if let sink {
            sink(bytes)
            bytes.removeAll()
        }
    }

    // MARK: layout

    private mutating func open(_ bracket: UInt8) {
        bytes.append(bracket)
        depth += 1
        needsComma.append(false)
    }

    private mutating func close(_ bracket: UInt8) {
        let hadItems = needsComma.removeLast()
        depth -= 1
        if hadItems { newline() }
        bytes.append(bracket)
    }

    mutating func separate() {
        flushIfLarge()
        if needsComma[needsComma.count - 1] {
            bytes.append(0x2C)
            if compact { bytes.append(0x20) }
        }
        needsComma[needsComma.count - 1] = true
        newline()
    }

    private mutating func newline() {
        guard !compact else { return }
        bytes.append(0x0A)
        for _ in 0..<depth { bytes.append(0x20); bytes.append(0x20) }
    }
}

/// Types that write themselves with `JSONWriter` (the fast path for large documents).
public protocol JSONWritable {
    func write(to writer: inout JSONWriter)
}

extension JSONWritable {
    public var jsonBytes: [UInt8] {
        var writer = JSONWriter()
        write(to: &writer)
        writer.finish()
        return writer.bytes
    }

    /// Writes the document to `sink` in pieces.
    public func writeJSON(to sink: @escaping ([UInt8]) -> Void) {
        var writer = JSONWriter(sink: sink)
        write(to: &writer)
        writer.finish()
    }
}

/// Per-chunk output of `concurrentArray`.
private final class ChunkResults: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [[UInt8]]

    init(count: Int) {
        parts = Array(repeating: [], count: count)
    }

    func set(_ index: Int, _ bytes: [UInt8]) {
        lock.lock()
        parts[index] = bytes
        lock.unlock()
    }

    /// The chunk's bytes, released from here so memory shrinks as chunks are written.
    func take(_ index: Int) -> [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        let part = parts[index]
        parts[index] = []
        return part
    }
}
