#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts source in a declared (PEP 263) encoding to UTF-8 with the C library's iconv,
/// which knows every codec Python files realistically declare (latin-1, cp1252, koi8-r,
/// shift_jis, …).
enum SourceTranscoder {
    struct Failure: Error, Equatable {
        var message: String
        /// Offset of the first byte that could not be converted, when known.
        var offset: Int?
    }

    /// Python spellings iconv does not accept as they are.
    static let aliases: [String: String] = [
        "latin-1": "ISO-8859-1", "latin1": "ISO-8859-1", "l1": "ISO-8859-1", "iso-latin-1": "ISO-8859-1",
        "cp819": "ISO-8859-1", "windows-1252": "CP1252",
    ]

    static func utf8(from bytes: UnsafeBufferPointer<UInt8>, encoding name: String) -> Result<[UInt8], Failure> {
        let normalized = name.lowercased().replacingUnderscores()
        let candidates = [aliases[normalized], name, normalized].compactMap { $0 }
        guard let converter = candidates.lazy.map({ iconv_open("UTF-8", $0) }).first(where: { $0 != iconv_t(bitPattern: -1) }) else {
            return .failure(Failure(message: "unknown source encoding '\(name)'", offset: nil))
        }
        defer { iconv_close(converter) }
        // Uninitialized: the 4x worst case is reserved, only what iconv writes is touched.
        var inputLeft = bytes.count
        var converted = 0
        let output = [UInt8](unsafeUninitializedCapacity: bytes.count * 4 + 16) { out, initialized in
            var outputLeft = out.count
            var inputPointer = UnsafeMutablePointer(mutating: bytes.baseAddress.map { UnsafeMutableRawPointer(mutating: $0).assumingMemoryBound(to: CChar.self) })
            var outputPointer = UnsafeMutableRawPointer(out.baseAddress!).assumingMemoryBound(to: CChar.self) as UnsafeMutablePointer<CChar>?
            converted = iconv(converter, &inputPointer, &inputLeft, &outputPointer, &outputLeft)
            initialized = out.count - outputLeft
        }
        guard converted != -1, inputLeft == 0 else {
            return .failure(Failure(message: "bytes that are not valid '\(name)'", offset: bytes.count - inputLeft))
        }
        return .success(output)
    }
}
