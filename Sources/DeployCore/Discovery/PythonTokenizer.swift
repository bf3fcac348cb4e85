/// A byte-level Python tokenizer following CPython's rules for what the flow parser
/// needs: logical lines (NEWLINE), INDENT/DEDENT with tab stops of 8 and CPython's
/// tab-consistency check, bracket nesting (newlines inside brackets are ignored),
/// backslash continuations, comments, every string form (prefixes r/b/u/f in any
/// case and combination, single and triple quotes, escapes, nested f-string fields)
/// and CRLF / CR line endings.
///
/// Limits mirror CPython: 100 indentation levels, 200 nested brackets.
public struct PythonTokenizer {
    static let maxIndentLevels = 100
    static let maxBracketDepth = 200
    static let maxFStringNesting = 20

    let src: UnsafeBufferPointer<UInt8>
    let count: Int
    let classes = ByteClass.table
    var i = 0
    var line = 1
    var tokens: [PythonToken]
    var brackets: [(byte: UInt8, line: Int)] = []
    var indents: [Int] = [0]
    var altIndents: [Int] = [0]
    var lineHasTokens = false
    var atLineStart = true
    /// Whether the logical line just started, and the one before it, begin with `@`.
    var lineIsDecorator = false
    var previousLineIsDecorator = false
    /// `next(into:)` returns once it holds this many tokens, at a safe cut (see there).
    let chunkMinimum: Int

    init(source: UnsafeBufferPointer<UInt8>, chunkMinimum: Int = .max) {
        src = source
        count = source.count
        tokens = []
        self.chunkMinimum = chunkMinimum
    }

    /// Tokenizes `source` into `tokens` (cleared first; its capacity is reused).
    public static func tokenize(
        _ source: UnsafeBufferPointer<UInt8>, into tokens: inout [PythonToken]
    ) throws(PythonSyntaxError) {
        var tokenizer = PythonTokenizer(source: source)
        _ = try tokenizer.next(into: &tokens)
    }

    /// The next chunk of tokens into `tokens` (cleared first; its capacity is reused), so a
    /// large file never holds all its tokens at once. A chunk ends only where nothing
    /// later refers back into it: at the start of a top-level line (no open bracket, every
    /// block closed) that neither is nor follows a decorator line. Returns true with the
    /// chunk that ends in the end marker.
    mutating func next(into tokens: inout [PythonToken]) throws(PythonSyntaxError) -> Bool {
        tokens.removeAll(keepingCapacity: true)
        swap(&self.tokens, &tokens)
        defer { swap(&self.tokens, &tokens) }
        return try run()
    }

    /// Convenience for tests and small inputs.
    public static func tokenize(_ source: String) throws(PythonSyntaxError) -> [PythonToken] {
        var bytes = Array(source.utf8)
        var tokens: [PythonToken] = []
        let result: Result<Void, PythonSyntaxError> = bytes.withUnsafeMutableBufferPointer { buffer in
            do throws(PythonSyntaxError) {
                try tokenize(UnsafeBufferPointer(buffer), into: &tokens)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
        return tokens
    }

    @inline(__always)
    func at(_ index: Int) -> UInt8 {
        index < count ? src[index] : 0
    }

    @inline(__always)
    mutating func emit(_ kind: PythonToken.Kind, _ start: Int, _ end: Int, line tokenLine: Int? = nil) {
        tokens.append(PythonToken(kind: kind, start: start, end: end, line: tokenLine ?? line))
    }

    mutating func run() throws(PythonSyntaxError) -> Bool {
        while true {
            if atLineStart && brackets.isEmpty {
                guard try processIndentation() else { break }
                atLineStart = false
                previousLineIsDecorator = lineIsDecorator
                lineIsDecorator = src[i] == 0x40  // '@'
                if tokens.count >= chunkMinimum && indents.count == 1 && !lineIsDecorator && !previousLineIsDecorator {
                    return false
                }
            }
            guard i < count else { break }
            let b = src[i]
            switch b {
            case Byte.space, Byte.tab, Byte.formFeed:
                i += 1
                while i < count, src[i] == Byte.space { i += 1 }
            case Byte.hash:
                skipToEndOfLine()
            case Byte.newline, Byte.carriageReturn:
                consumeNewline()
                if brackets.isEmpty && lineHasTokens {
                    emit(.newline, i - 1, i, line: line - 1)
                    lineHasTokens = false
                }
                if brackets.isEmpty && !lineHasTokens { atLineStart = true }
            case Byte.backslash:
                try continueLine()
            case Byte.quote, Byte.apostrophe:
                lineHasTokens = true
                try scanString(start: i, quoteAt: i, isFormatted: false)
            case _ where Byte.isIdentifierStart(b):
                lineHasTokens = true
                try scanNameOrPrefixedString()
            case _ where Byte.isDigit(b) || (b == Byte.dot && Byte.isDigit(at(i + 1))):
                lineHasTokens = true
                scanNumber()
            default:
                lineHasTokens = true
                try scanOperator(b)
            }
        }
        if let open = brackets.last {
            throw PythonSyntaxError(line: open.line, message: "'\(Character(Unicode.Scalar(open.byte)))' was never closed")
        }
        if lineHasTokens { emit(.newline, count, count) }
        for _ in 1..<indents.count { emit(.dedent, count, count) }
        emit(.endMarker, count, count)
        return true
    }

    /// Measures the indentation of a new line, skipping blank and comment-only lines.
    /// Returns false at end of input.
    mutating func processIndentation() throws(PythonSyntaxError) -> Bool {
        while true {
            var col = 0
            var alt = 0
            while i < count {
                let b = src[i]
                if b == Byte.space { col += 1; alt += 1 }
                else if b == Byte.tab { col = (col / 8 + 1) * 8; alt += 1 }
                else if b == Byte.formFeed { col = 0; alt = 0 }
                else { break }
                i += 1
            }
            guard i < count else { return false }
            let b = src[i]
            if b == Byte.hash { skipToEndOfLine() }
            if i >= count { return false }
            if src[i] == Byte.newline || src[i] == Byte.carriageReturn {
                consumeNewline()
                continue
            }
            try applyIndentation(col: col, alt: alt)
            return true
        }
    }

    mutating func applyIndentation(col: Int, alt: Int) throws(PythonSyntaxError) {
        let tabError = PythonSyntaxError(line: line, message: "inconsistent use of tabs and spaces in indentation")
        if col > indents[indents.count - 1] {
            if alt <= altIndents[altIndents.count - 1] { throw tabError }
            guard indents.count <= Self.maxIndentLevels else {
                throw PythonSyntaxError(line: line, message: "too many levels of indentation")
            }
            indents.append(col)
            altIndents.append(alt)
            emit(.indent, i, i)
        } else if col < indents[indents.count - 1] {
            while indents.count > 1 && col < indents[indents.count - 1] {
                indents.removeLast()
                altIndents.removeLast()
                emit(.dedent, i, i)
            }
            guard col == indents[indents.count - 1] else {
                throw PythonSyntaxError(line: line, message: "unindent does not match any outer indentation level")
            }
            if alt != altIndents[altIndents.count - 1] { throw tabError }
        } else if alt != altIndents[altIndents.count - 1] {
            throw tabError
        }
    }

    @inline(__always)
    mutating func skipToEndOfLine() {
        while i < count && src[i] != Byte.newline && src[i] != Byte.carriageReturn { i += 1 }
    }

    /// Consumes one line ending (LF, CRLF or CR) at `i`.
    @inline(__always)
    mutating func consumeNewline() {
        if src[i] == Byte.carriageReturn && at(i + 1) == Byte.newline { i += 2 } else { i += 1 }
        line += 1
    }

    mutating func continueLine() throws(PythonSyntaxError) {
        let next = at(i + 1)
        guard next == Byte.newline || next == Byte.carriageReturn else {
            throw PythonSyntaxError(line: line, message: "unexpected character after line continuation character")
        }
        i += 1
        consumeNewline()
        if i >= count {
            throw PythonSyntaxError(line: line - 1, message: "unexpected end of file after line continuation character")
        }
    }

    mutating func scanNameOrPrefixedString() throws(PythonSyntaxError) {
        let start = i
        i += 1
        while i < count && classes[Int(src[i])] & ByteClass.identifierContinue != 0 { i += 1 }
        let next = at(i)
        if (next == Byte.quote || next == Byte.apostrophe), let prefix = StringPrefix(src, start, i) {
            try scanString(start: start, quoteAt: i, isFormatted: prefix.isFormatted)
            return
        }
        emit(.name, start, i)
    }

    mutating func scanNumber() {
        let start = i
        let isHex = src[i] == 0x30 && (at(i + 1) | 0x20) == 0x78
        i += 1
        while i < count {
            let b = src[i]
            if Byte.isIdentifierContinue(b) || b == Byte.dot {
                i += 1
            } else if (b == 0x2B || b == 0x2D) && !isHex && (src[i - 1] | 0x20) == 0x65 {
                i += 1
            } else {
                break
            }
        }
        emit(.number, start, i)
    }
}
