/// How Python decides a source file's text encoding (PEP 263 / PEP 3120): UTF-8 by
/// default, an optional UTF-8 BOM, or a `coding:` declaration on line 1 or 2.
enum SourceEncoding: Equatable {
    case utf8
    /// Any other declared encoding, by the name the file gives; transcoded with iconv.
    case declared(String)

    static let utf8Names: Set<String> = ["utf-8", "utf8", "utf-8-sig", "ascii", "us-ascii"]

    /// Length of a leading UTF-8 byte-order mark (0 or 3).
    static func bomLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    }

    /// "UTF-16" or "UTF-32" when the bytes start with that encoding's byte-order mark.
    static func wideByteOrderMark(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        guard bytes.count >= 2 else { return nil }
        if bytes.count >= 4, (bytes[0] == 0xFF && bytes[1] == 0xFE && bytes[2] == 0 && bytes[3] == 0)
            || (bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0xFE && bytes[3] == 0xFF) { return "UTF-32" }
        if (bytes[0] == 0xFF && bytes[1] == 0xFE) || (bytes[0] == 0xFE && bytes[1] == 0xFF) { return "UTF-16" }
        return nil
    }

    /// The encoding declared in a `# -*- coding: NAME -*-` comment on the first two lines.
    static func declared(in bytes: UnsafeBufferPointer<UInt8>) -> SourceEncoding {
        var lineStart = 0
        for _ in 0..<2 {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != Byte.newline, bytes[lineEnd] != Byte.carriageReturn {
                lineEnd += 1
            }
            if let name = codingName(bytes, lineStart, lineEnd) {
                let normalized = name.lowercased().replacingUnderscores()
                if utf8Names.contains(normalized) { return .utf8 }
                return .declared(name)
            }
            guard lineEnd < bytes.count else { break }
            lineStart = lineEnd + 1
            if bytes[lineEnd] == Byte.carriageReturn, lineStart < bytes.count, bytes[lineStart] == Byte.newline {
                lineStart += 1
            }
        }
        return .utf8
    }

    private static func codingName(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String? {
        var index = start
        while index < end, bytes[index] == Byte.space || bytes[index] == Byte.tab || bytes[index] == Byte.formFeed {
            index += 1
        }
        guard index < end, bytes[index] == Byte.hash else { return nil }
        let line = Array(bytes[index..<end])
        let marker = Array("coding".utf8)
        guard line.count > marker.count else { return nil }
        for offset in 0...(line.count - marker.count - 1) where Array(line[offset..<(offset + marker.count)]) == marker {
            var cursor = offset + marker.count
            guard line[cursor] == 0x3A || line[cursor] == 0x3D else { continue }  // ':' or '='
            cursor += 1
            while cursor < line.count, line[cursor] == Byte.space || line[cursor] == Byte.tab { cursor += 1 }
            let nameStart = cursor
            while cursor < line.count, Byte.isIdentifierContinue(line[cursor]) || line[cursor] == 0x2D || line[cursor] == Byte.dot {
                cursor += 1
            }
            if cursor > nameStart { return String(decoding: line[nameStart..<cursor], as: UTF8.self) }
        }
        return nil
    }

    /// Offset of the first byte that is not valid UTF-8, or nil.
    static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        let count = bytes.count
        guard let start = bytes.baseAddress, count > 0 else { return nil }
        let base = UnsafeRawPointer(start)
        while index < count {
            // ASCII fast path: eight bytes at a time.
            while index + 8 <= count, base.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
            }
            guard index < count else { break }
            let lead = bytes[index]
            if lead < 0x80 { index += 1; continue }
            let length: Int
            var minimum: UInt32
            var scalar: UInt32
            switch lead {
            case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(lead & 0x1F)
            case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(lead & 0x0F)
            case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(lead & 0x07)
            default: return index
            }
            guard index + length <= count else { return index }
            for offset in 1..<length {
                let continuation = bytes[index + offset]
                guard continuation & 0xC0 == 0x80 else { return index }
                scalar = scalar << 6 | UInt32(continuation & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return index }
            index += length
        }
        return nil
    }

    /// 1-based line number of byte `offset`.
    static func line(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var line = 1
        var index = 0
        while index < offset {
            if bytes[index] == Byte.newline { line += 1 }
            else if bytes[index] == Byte.carriageReturn, index + 1 >= bytes.count || bytes[index + 1] != Byte.newline { line += 1 }
            index += 1
        }
        return line
    }
}
