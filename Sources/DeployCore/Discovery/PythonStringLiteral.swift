/// Decodes the value of one Python string-literal token (prefix, quotes, escapes).
enum PythonStringLiteral {
    enum Value: Equatable {
        /// A plain `str` value (also an f-string without replacement fields).
        case text(String)
        /// Bytes, or an f-string with replacement fields: not a static `str`.
        case notStatic
    }

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> Value {
        var index = 0
        var raw = false
        var formatted = false
        var isBytes = false
        while index < bytes.count, bytes[index] != Byte.quote, bytes[index] != Byte.apostrophe {
            switch bytes[index] | 0x20 {
            case 0x72: raw = true
            case 0x66, 0x74: formatted = true
            case 0x62: isBytes = true
            default: break
            }
            index += 1
        }
        if isBytes { return .notStatic }
        let quote = bytes[index]
        let triple = bytes.count - index >= 6 && bytes[index + 1] == quote && bytes[index + 2] == quote
        let quoteLength = triple ? 3 : 1
        let body = UnsafeBufferPointer(rebasing: bytes[(index + quoteLength)..<(bytes.count - quoteLength)])
        var decoded = raw ? Array(body) : unescape(body)
        if formatted {
            guard let literal = unbraced(decoded) else { return .notStatic }
            decoded = literal
        }
        return .text(String(decoding: decoded, as: UTF8.self))
    }

    /// `{{` → `{` and `}}` → `}`; nil when a replacement field exists.
    static func unbraced(_ bytes: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let b = bytes[index]
            if b == Byte.openBrace || b == Byte.closeBrace {
                guard index + 1 < bytes.count, bytes[index + 1] == b else { return nil }
                index += 1
            }
            out.append(b)
            index += 1
        }
        return out
    }

    static func unescape(_ body: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var index = 0
        func hexValue(_ start: Int, _ length: Int) -> UInt32? {
            guard start + length <= body.count else { return nil }
            var value: UInt32 = 0
            for offset in 0..<length {
                guard let digit = hexDigit(body[start + offset]) else { return nil }
                value = value * 16 + digit
            }
            return value
        }
        while index < body.count {
            let b = body[index]
            guard b == Byte.backslash, index + 1 < body.count else {
                out.append(b)
                index += 1
                continue
            }
            let next = body[index + 1]
            index += 2
            switch next {
            case Byte.newline: break
            case Byte.carriageReturn: if index < body.count && body[index] == Byte.newline { index += 1 }
            case Byte.backslash, Byte.apostrophe, Byte.quote: out.append(next)
            case 0x61: out.append(0x07)  // \a
            case 0x62: out.append(0x08)  // \b
            case 0x66: out.append(0x0C)  // \f
            case 0x6E: out.append(0x0A)  // \n
            case 0x72: out.append(0x0D)  // \r
            case 0x74: out.append(0x09)  // \t
            case 0x76: out.append(0x0B)  // \v
            case 0x30...0x37:
                var value = UInt32(next - 0x30)
                var digits = 1
                while digits < 3, index < body.count, body[index] >= 0x30, body[index] <= 0x37 {
                    value = value * 8 + UInt32(body[index] - 0x30)
                    index += 1
                    digits += 1
                }
                appendScalar(value, to: &out)
            case 0x78, 0x75, 0x55:  // \x \u \U
                let length = next == 0x78 ? 2 : (next == 0x75 ? 4 : 8)
                if let value = hexValue(index, length) {
                    appendScalar(value, to: &out)
                    index += length
                } else {
                    out.append(Byte.backslash)
                    out.append(next)
                }
            default:
                out.append(Byte.backslash)
                out.append(next)
            }
        }
        return out
    }

    static func hexDigit(_ b: UInt8) -> UInt32? {
        switch b {
        case 0x30...0x39: return UInt32(b - 0x30)
        case 0x41...0x46: return UInt32(b - 0x41 + 10)
        case 0x61...0x66: return UInt32(b - 0x61 + 10)
        default: return nil
        }
    }

    static func appendScalar(_ value: UInt32, to out: inout [UInt8]) {
        let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
    }
}
