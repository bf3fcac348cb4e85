import Foundation

/// Tokens plus the bytes they point into, with the small queries the parser needs.
struct SourceView {
    let src: UnsafeBufferPointer<UInt8>
    let tokens: [PythonToken]

    /// The token's kind; `.endMarker` past the end of a chunk.
    @inline(__always)
    func kind(_ index: Int) -> PythonToken.Kind {
        index < tokens.count ? tokens[index].kind : .endMarker
    }

    @inline(__always)
    func line(_ index: Int) -> Int {
        Int(tokens[index].line)
    }

    /// Whether token `index` is exactly `text` (a keyword, name or operator).
    @inline(__always)
    func `is`(_ index: Int, _ text: StaticString) -> Bool {
        guard index < tokens.count else { return false }
        let token = tokens[index]
        let length = Int(token.end - token.start)
        guard length == text.utf8CodeUnitCount, token.kind == .name || token.kind == .op else { return false }
        let base = text.utf8Start
        for offset in 0..<length where src[Int(token.start) + offset] != base[offset] {
            return false
        }
        return true
    }

    /// Whether token `index`'s bytes spell `text`.
    func equals(_ index: Int, _ text: String) -> Bool {
        let token = tokens[index]
        let length = Int(token.end - token.start)
        var text = text
        return text.withUTF8 { utf8 in
            utf8.count == length && memcmp(utf8.baseAddress!, src.baseAddress! + Int(token.start), length) == 0
        }
    }

    func text(_ index: Int) -> String {
        let token = tokens[index]
        return String(decoding: UnsafeBufferPointer(rebasing: src[Int(token.start)..<Int(token.end)]), as: UTF8.self)
    }

    /// The exact source text from the start of token `first` to the end of token `last`.
    func sourceText(_ first: Int, through last: Int) -> String {
        let start = Int(tokens[first].start)
        let end = Int(tokens[last].end)
        return String(decoding: UnsafeBufferPointer(rebasing: src[start..<end]), as: UTF8.self)
    }

    @inline(__always)
    func firstByte(_ index: Int) -> UInt8 {
        src[Int(tokens[index].start)]
    }

    /// Whether token `index` opens or closes a bracket; +1, -1 or 0.
    @inline(__always)
    func bracketDelta(_ index: Int) -> Int {
        let token = tokens[index]
        guard token.kind == .op, token.end - token.start == 1 else { return 0 }
        switch src[Int(token.start)] {
        case 0x28, 0x5B, 0x7B: return 1
        case 0x29, 0x5D, 0x7D: return -1
        default: return 0
        }
    }

    /// Index of the bracket closing the one opened at `open`, searching before `limit`.
    func matchingBracket(_ open: Int, limit: Int) -> Int? {
        var depth = 0
        var index = open
        while index < limit {
            depth += bracketDelta(index)
            if depth == 0 { return index }
            index += 1
        }
        return nil
    }

    /// Splits `range` at depth-0 occurrences of the operator `separator` (empty pieces dropped).
    func split(_ range: Range<Int>, on separator: StaticString) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var depth = 0
        var pieceStart = range.lowerBound
        for index in range {
            depth += bracketDelta(index)
            if depth == 0 && self.is(index, separator) {
                if pieceStart < index { pieces.append(pieceStart..<index) }
                pieceStart = index + 1
            }
        }
        if pieceStart < range.upperBound { pieces.append(pieceStart..<range.upperBound) }
        return pieces
    }

    /// First depth-0 index in `range` where token is `text`.
    func firstTopLevel(_ text: StaticString, in range: Range<Int>) -> Int? {
        var depth = 0
        for index in range {
            if depth == 0 && self.is(index, text) { return index }
            depth += bracketDelta(index)
        }
        return nil
    }
}
