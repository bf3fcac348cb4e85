/// One token of Python source, as byte offsets into the (UTF-8) source buffer.
///
/// Comments and non-logical newlines are dropped by the tokenizer; everything the
/// flow parser needs is kept: names, strings, numbers, operators and the
/// NEWLINE / INDENT / DEDENT structure.
public struct PythonToken: Equatable, Sendable {
    public enum Kind: UInt8, Sendable {
        case name
        case number
        case string
        case op
        case newline
        case indent
        case dedent
        case endMarker
    }

    public var kind: Kind
    /// Start offset (inclusive) in the source bytes.
    public var start: Int32
    /// End offset (exclusive) in the source bytes.
    public var end: Int32
    /// 1-based line of the first byte.
    public var line: Int32

    public init(kind: Kind, start: Int, end: Int, line: Int) {
        self.kind = kind
        self.start = Int32(truncatingIfNeeded: start)
        self.end = Int32(truncatingIfNeeded: end)
        self.line = Int32(truncatingIfNeeded: line)
    }
}

/// Why a file could not be tokenized or parsed; always with the 1-based line.
public struct PythonSyntaxError: Error, Equatable, Sendable {
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }
}

/// Byte constants used by the tokenizer and parser.
enum Byte {
    static let tab: UInt8 = 0x09
    static let newline: UInt8 = 0x0A
    static let formFeed: UInt8 = 0x0C
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let quote: UInt8 = 0x22        // "
    static let hash: UInt8 = 0x23         // #
    static let apostrophe: UInt8 = 0x27   // '
    static let backslash: UInt8 = 0x5C
    static let dot: UInt8 = 0x2E
    static let underscore: UInt8 = 0x5F
    static let openBrace: UInt8 = 0x7B
    static let closeBrace: UInt8 = 0x7D

    @inline(__always)
    static func isIdentifierStart(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == underscore || b >= 0x80
    }

    @inline(__always)
    static func isIdentifierContinue(_ b: UInt8) -> Bool {
        isIdentifierStart(b) || isDigit(b)
    }

    @inline(__always)
    static func isDigit(_ b: UInt8) -> Bool {
        b >= 0x30 && b <= 0x39
    }
}

/// Per-byte classes for the tokenizer's inner loops: one table load instead of a chain
/// of comparisons.
enum ByteClass {
    static let identifierStart: UInt8 = 1
    static let identifierContinue: UInt8 = 2
    /// Bytes a string scan must look at: quotes, backslash, line ends, braces.
    static let stringStop: UInt8 = 4

    nonisolated(unsafe) static let table: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for byte in 0..<256 {
            let b = UInt8(byte)
            var bits: UInt8 = 0
            if Byte.isIdentifierStart(b) { bits |= identifierStart | identifierContinue }
            if Byte.isDigit(b) { bits |= identifierContinue }
            if [Byte.quote, Byte.apostrophe, Byte.backslash, Byte.newline, Byte.carriageReturn, Byte.openBrace].contains(b) {
                bits |= stringStop
            }
            table[byte] = bits
        }
        return UnsafePointer(table)
    }()
}

