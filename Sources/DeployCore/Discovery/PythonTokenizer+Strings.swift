/// The letters before a quote that make a string literal: r, b, u, f (and t) in any
/// case and the combinations Python accepts.
struct StringPrefix {
    var isFormatted = false
    var isRaw = false
    var isBytes = false

    init?(_ src: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
        let length = end - start
        guard length >= 1 && length <= 2 else { return nil }
        var unicode = false
        for index in start..<end {
            switch src[index] | 0x20 {
            case 0x72: if isRaw { return nil }; isRaw = true              // r
            case 0x62: if isBytes { return nil }; isBytes = true          // b
            case 0x66, 0x74: if isFormatted { return nil }; isFormatted = true  // f, t
            case 0x75: if unicode || length > 1 { return nil }; unicode = true  // u
            default: return nil
            }
        }
        if isBytes && isFormatted { return nil }
    }
}

extension PythonTokenizer {
    /// Scans a string literal whose prefix starts at `start` and whose opening quote
    /// is at `quoteAt`; emits one `.string` token covering prefix and quotes.
    mutating func scanString(start: Int, quoteAt: Int, isFormatted: Bool) throws(PythonSyntaxError) {
        let startLine = line
        i = try stringEnd(quoteAt: quoteAt, isFormatted: isFormatted, nesting: 0)
        emit(.string, start, i, line: startLine)
    }

    /// Returns the offset just past the closing quote of the string opened at `quoteAt`.
    mutating func stringEnd(quoteAt: Int, isFormatted: Bool, nesting: Int) throws(PythonSyntaxError) -> Int {
        let quote = src[quoteAt]
        let triple = at(quoteAt + 1) == quote && at(quoteAt + 2) == quote
        let startLine = line
        var j = quoteAt + (triple ? 3 : 1)
        if !triple && at(quoteAt + 1) == quote { return quoteAt + 2 }
        while true {
            guard j < count else {
                throw PythonSyntaxError(
                    line: startLine,
                    message: triple ? "unterminated triple-quoted string literal" : "unterminated string literal")
            }
            while j < count && classes[Int(src[j])] & ByteClass.stringStop == 0 { j += 1 }
            guard j < count else { continue }
            let c = src[j]
            if c == Byte.backslash {
                j += 1
                // A backslash never escapes an f-string brace: `rf'\{{'` is a literal brace.
                let escapesBrace = isFormatted && (at(j) == Byte.openBrace || at(j) == Byte.closeBrace)
                if j < count && !escapesBrace { j = skipOneCharacterCountingLines(j) }
            } else if c == quote {
                if !triple { return j + 1 }
                if at(j + 1) == quote && at(j + 2) == quote { return j + 3 }
                j += 1
            } else if c == Byte.newline || c == Byte.carriageReturn {
                guard triple else {
                    throw PythonSyntaxError(line: startLine, message: "unterminated string literal")
                }
                j = skipOneCharacterCountingLines(j)
            } else if isFormatted && c == Byte.openBrace {
                if at(j + 1) == Byte.openBrace {
                    j += 2
                } else {
                    j = try replacementFieldEnd(from: j + 1, quote: quote, triple: triple, nesting: nesting + 1)
                }
            } else {
                j += 1
            }
        }
    }

    /// Skips one byte (or a CRLF pair), counting line breaks.
    @inline(__always)
    mutating func skipOneCharacterCountingLines(_ j: Int) -> Int {
        let c = src[j]
        if c == Byte.newline { line += 1; return j + 1 }
        if c == Byte.carriageReturn {
            line += 1
            return at(j + 1) == Byte.newline ? j + 2 : j + 1
        }
        return j + 1
    }

    /// Scans an f-string replacement field `{expr!r:spec}` starting after its `{`;
    /// returns the offset after its closing `}`. Nested strings and fields are followed.
    mutating func replacementFieldEnd(
        from start: Int, quote: UInt8, triple: Bool, nesting: Int
    ) throws(PythonSyntaxError) -> Int {
        guard nesting <= Self.maxFStringNesting else {
            throw PythonSyntaxError(line: line, message: "f-string: expressions nested too deeply")
        }
        let unterminated = PythonSyntaxError(line: line, message: "f-string: expecting '}'")
        var depth = 0
        var inSpec = false
        var j = start
        while j < count {
            let c = src[j]
            switch c {
            case Byte.newline, Byte.carriageReturn:
                if !triple { throw unterminated }
                j = skipOneCharacterCountingLines(j)
                continue
            case Byte.closeBrace where depth == 0:
                return j + 1
            case Byte.openBrace where inSpec:
                j = try replacementFieldEnd(from: j + 1, quote: quote, triple: triple, nesting: nesting + 1)
                continue
            case _ where inSpec:
                if c == quote && (!triple || (at(j + 1) == quote && at(j + 2) == quote)) { throw unterminated }
            case 0x28, 0x5B, Byte.openBrace:
                depth += 1
            case 0x29, 0x5D, Byte.closeBrace:
                depth -= 1
            case 0x3A where depth == 0 && at(j + 1) != 0x3D:  // ':' but not ':='
                inSpec = true
            case Byte.quote, Byte.apostrophe:
                var prefixStart = j
                while prefixStart > start && prefixStart > j - 2 && Byte.isIdentifierStart(src[prefixStart - 1]) {
                    prefixStart -= 1
                }
                let prefix = StringPrefix(src, prefixStart, j)
                let endsPrefix = prefixStart == start || !Byte.isIdentifierContinue(src[prefixStart - 1])
                let nestedFormatted = endsPrefix && (prefix?.isFormatted ?? false)
                j = try stringEnd(quoteAt: j, isFormatted: nestedFormatted, nesting: nesting + 1)
                continue
            default:
                break
            }
            j += 1
        }
        throw unterminated
    }

    mutating func scanOperator(_ b: UInt8) throws(PythonSyntaxError) {
        let start = i
        switch b {
        case 0x28, 0x5B, Byte.openBrace:  // ( [ {
            guard brackets.count < Self.maxBracketDepth else {
                throw PythonSyntaxError(line: line, message: "too many nested parentheses")
            }
            brackets.append((b, line))
            i += 1
        case 0x29, 0x5D, Byte.closeBrace:  // ) ] }
            let closing = Character(Unicode.Scalar(b))
            guard let open = brackets.popLast() else {
                throw PythonSyntaxError(line: line, message: "unmatched '\(closing)'")
            }
            let expected: UInt8 = open.byte == 0x28 ? 0x29 : open.byte + 2
            guard expected == b else {
                let opening = Character(Unicode.Scalar(open.byte))
                throw PythonSyntaxError(
                    line: line,
                    message: "closing parenthesis '\(closing)' does not match opening parenthesis '\(opening)' on line \(open.line)")
            }
            i += 1
        case 0x24, 0x3F, 0x60, 0x00...0x1F, 0x7F:  // $ ? ` and control characters
            let hex = String(b, radix: 16, uppercase: true)
            throw PythonSyntaxError(
                line: line, message: "invalid character U+\(String(repeating: "0", count: 4 - hex.count))\(hex)")
        default:
            i += operatorLength(b)
        }
        emit(.op, start, i)
    }

    /// Length of the longest operator starting at `i` (1, 2 or 3 bytes).
    @inline(__always)
    func operatorLength(_ b: UInt8) -> Int {
        let n1 = at(i + 1)
        let n2 = at(i + 2)
        switch b {
        case 0x2A, 0x2F, 0x3C, 0x3E:  // * / < >
            if n1 == b { return n2 == 0x3D ? 3 : 2 }  // ** // << >> and **= //= <<= >>=
            if n1 == 0x3D { return 2 }
            if b == 0x3C && n1 == 0x3E { return 2 }    // <>
            return 1
        case 0x2E:  // .
            return n1 == 0x2E && n2 == 0x2E ? 3 : 1
        case 0x2D:  // -
            return n1 == 0x3E || n1 == 0x3D ? 2 : 1    // -> -=
        case 0x3A, 0x3D, 0x21, 0x2B, 0x25, 0x26, 0x7C, 0x5E, 0x40:  // : = ! + % & | ^ @
            return n1 == 0x3D ? 2 : 1
        default:
            return 1
        }
    }
}
