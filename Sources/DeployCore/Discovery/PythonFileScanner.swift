#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads one Python file and finds its flows. Keeps its buffers between files so a
/// worker thread allocates once, not once per file.
struct PythonFileScanner {
    /// Larger files are reported, not read: no real flow module is this big.
    static let maxFileSize = 64 * 1024 * 1024

    /// Tokens are made and parsed in chunks of about this many (16 bytes each), so a
    /// large file costs its size plus a few MB, not ~16 bytes per token.
    static let tokenChunk = 1 << 16
    /// Buffers grown past this by one large file are released after it.
    static let keptBufferBytes = 8 * 1_048_576

    private var buffer: [UInt8] = []
    private var tokens: [PythonToken] = []

    /// Scans the file at `path`; diagnostics and flows name it `displayPath`.
    mutating func scan(path: String, displayPath: String) -> ParsedFile {
        defer { releaseLargeBuffers() }
        func failure(_ code: Diagnostic.Code, _ message: String, line: Int? = nil, hint: String? = nil) -> ParsedFile {
            ParsedFile(diagnostics: [Diagnostic(file: displayPath, line: line, severity: .error, code: code, message: message, hint: hint)])
        }
        let descriptor: Int32
        let size: Int
        switch RegularFile.openForReading(path) {
        case .success(let opened):
            (descriptor, size) = opened
        case .failure(.notRegular(let kind)):
            return ParsedFile(diagnostics: [Diagnostic(
                file: displayPath, line: nil, severity: .warning, code: .notARegularFile,
                message: "\(kind), not a regular file; skipped")])
        case .failure(let reason):
            let text = if case .unreadable(let text) = reason { text } else { "it disappeared" }
            return failure(.unreadableFile, "cannot read file: \(text)",
                           hint: "check the file's permissions, or exclude it with --exclude")
        }
        defer { close(descriptor) }
        guard size <= Self.maxFileSize else {
            return failure(.fileTooLarge, "file is \(size / 1_048_576) MB; files over \(Self.maxFileSize / 1_048_576) MB are not scanned",
                           hint: "exclude it with --exclude if it is generated")
        }
        guard let length = readAll(descriptor, expected: size) else {
            return failure(.unreadableFile, "cannot read file: \(String(cString: strerror(errno)))")
        }
        return buffer.withUnsafeBufferPointer { whole in
            let bytes = UnsafeBufferPointer(rebasing: whole[0..<length])
            if let wide = SourceEncoding.wideByteOrderMark(bytes) {
                return ParsedFile(diagnostics: [Diagnostic(
                    file: displayPath, line: nil, severity: .warning, code: .unsupportedEncoding,
                    message: "\(wide) text (byte-order mark); Python cannot import a \(wide) source file, so it is not scanned",
                    hint: "save it as UTF-8")])
            }
            guard Self.mentions("prefect", in: bytes), Self.mentions("flow", in: bytes) else { return ParsedFile() }
            if let nul = memchr(bytes.baseAddress!, 0, length) {
                let offset = Int(bitPattern: nul) - Int(bitPattern: bytes.baseAddress!)
                return failure(.binaryFile, "binary content (NUL byte) in a .py file",
                               line: SourceEncoding.line(of: offset, in: bytes), hint: "exclude it with --exclude")
            }
            return decodeAndParse(bytes, displayPath: displayPath)
        }
    }

    private mutating func decodeAndParse(_ bytes: UnsafeBufferPointer<UInt8>, displayPath: String) -> ParsedFile {
        let body = UnsafeBufferPointer(rebasing: bytes[SourceEncoding.bomLength(bytes)...])
        func decodeError(_ message: String, line: Int, hint: String) -> ParsedFile {
            ParsedFile(diagnostics: [Diagnostic(file: displayPath, line: line, severity: .error, code: .decodeError, message: message, hint: hint)])
        }
        if SourceEncoding.bomLength(bytes) > 0 && SourceEncoding.bomLength(body) > 0 {
            return decodeError("a second UTF-8 byte-order mark starts the file; Python refuses it (invalid non-printable character U+FEFF)",
                               line: 1, hint: "remove the extra byte-order mark (save the file as UTF-8 without BOM)")
        }
        switch SourceEncoding.declared(in: body) {
        case .declared(let name):
            switch SourceTranscoder.utf8(from: body, encoding: name) {
            case .success(let converted):
                // An encoding that is not ASCII-compatible (utf-16, utf-32, EBCDIC) cannot carry its own
                // declaration: the line reads differently once decoded. Python stops there too.
                guard converted.withUnsafeBufferPointer({ SourceEncoding.declared(in: $0) }) == .declared(name) else {
                    return decodeError("declared encoding '\(name)' is not ASCII-compatible, so this file cannot declare it (Python: encoding problem: \(name))",
                                       line: 1, hint: "remove the coding: declaration and save the file as UTF-8")
                }
                return converted.withUnsafeBufferPointer { parse($0, displayPath: displayPath) }
            case .failure(let failure):
                return decodeError(failure.message, line: failure.offset.map { SourceEncoding.line(of: $0, in: body) } ?? 1,
                                   hint: "fix the coding: declaration, or save the file as UTF-8")
            }
        case .utf8:
            if let offset = SourceEncoding.firstInvalidUTF8(body) {
                return decodeError("invalid UTF-8 byte 0x\(String(body[offset], radix: 16, uppercase: true))",
                                   line: SourceEncoding.line(of: offset, in: body),
                                   hint: "save the file as UTF-8 or declare its encoding (# -*- coding: latin-1 -*-)")
            }
            return parse(body, displayPath: displayPath)
        }
    }

    private mutating func parse(_ source: UnsafeBufferPointer<UInt8>, displayPath: String) -> ParsedFile {
        do {
            return try FlowParser.parse(source, file: displayPath, chunkMinimum: Self.tokenChunk, tokens: &tokens)
        } catch {
            return ParsedFile(diagnostics: [Diagnostic(
                file: displayPath, line: error.line, severity: .error, code: .syntaxError,
                message: "\(error.message); no flows are read from this file",
                hint: "run `python3 -m py_compile \(displayPath)` to see the error as Python reports it")])
        }
    }

    /// Reads the whole file into `buffer`; returns the byte count.
    private mutating func readAll(_ descriptor: Int32, expected: Int) -> Int? {
        if buffer.count < expected + 1 { buffer = [UInt8](repeating: 0, count: expected + 1) }
        var total = 0
        while true {
            if total == buffer.count {
                // The file grew while being read: bounded all the same.
                guard total <= Self.maxFileSize else { errno = EFBIG; return nil }
                buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count))
            }
            let capacity = buffer.count - total
            let got = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + total, capacity) }
            if got < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if got == 0 { return total }
            total += got
            // A regular file of the size fstat reported is complete: skip the EOF read.
            if total == expected && got > 0 && expected > 0 { return total }
        }
    }

    private mutating func releaseLargeBuffers() {
        if buffer.count > Self.keptBufferBytes { buffer = [] }
        if tokens.capacity * MemoryLayout<PythonToken>.stride > Self.keptBufferBytes { tokens = [] }
    }

    /// Whether `needle` occurs in `bytes` (memchr for the first byte, then compare).
    static func mentions(_ needle: StaticString, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let first = Int32(needle.utf8Start[0])
        let length = needle.utf8CodeUnitCount
        guard let base = bytes.baseAddress, bytes.count >= length else { return false }
        var offset = 0
        let last = bytes.count - length
        while offset <= last {
            guard let hit = memchr(base + offset, first, last - offset + 1) else { return false }
            let position = Int(bitPattern: hit) - Int(bitPattern: base)
            if memcmp(base + position, needle.utf8Start, length) == 0 { return true }
            offset = position + 1
        }
        return false
    }
}
