import Foundation

/// Detects that a secret changed without storing it: HMAC-SHA-256 of the value under a
/// random per-project key kept in `.crank/secret-key` (git-ignored, mode 0600), truncated.
///
/// A key file crank cannot use (shorter than 32 bytes, or not a readable file) is an error,
/// never silently replaced: replacing it changes every secret's fingerprint once, so every
/// deployment with secrets looks changed at the next deploy. Deleting the file (or
/// `crank doctor --repair`) creates a new key; nothing else depends on it.
public struct SecretFingerprint: Sendable {
    public static let keyFile = ".crank/secret-key"
    static let keyLength = 32
    let key: [UInt8]

    public init(key: [UInt8]) {
        self.key = key
    }

    public enum KeyFailure: Error, Equatable, CustomStringConvertible {
        case garbled(String, bytes: Int)
        case unreadable(String)
        case cannotCreate(AtomicFile.Failure)

        public var message: String {
            switch self {
            case .garbled(let path, let bytes): return "the secret fingerprint key \(path) is garbled: \(bytes) bytes, wanted \(SecretFingerprint.keyLength) or more"
            case .unreadable(let path): return "the secret fingerprint key \(path) is not a readable file"
            case .cannotCreate(let failure): return "cannot create the secret fingerprint key: \(failure.message)"
            }
        }

        public var hint: String {
            switch self {
            case .garbled(let path, _), .unreadable(let path):
                return "delete it (rm -r \(path)) or run `crank doctor --env <env> --repair`: crank creates a new key; every deployment with secrets then looks changed once (their fingerprints are recomputed), nothing else is lost"
            case .cannotCreate(let failure): return failure.hint
            }
        }

        public var description: String { "\(message) (\(hint))" }
    }

    /// What is wrong with the project's key file, if it exists and is not usable.
    public static func problem(root: String) -> KeyFailure? {
        let path = root + "/" + keyFile
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else { return .unreadable(path) }
        return data.count < keyLength ? .garbled(path, bytes: data.count) : nil
    }

    /// Loads the project's key, creating it on first use.
    public static func load(root: String) throws(KeyFailure) -> SecretFingerprint {
        let path = root + "/" + keyFile
        if let problem = problem(root: root) { throw problem }
        if let data = FileManager.default.contents(atPath: path) { return SecretFingerprint(key: Array(data)) }
        try? CrankDirectory.ensure(projectRoot: root)  // the key must never be committed (a failure shows in the write below)
        do {
            try AtomicFile.write(Data(newKey()), to: path, overwrite: false, permissions: 0o600)
        } catch .exists {
            // Another crank created it first: use theirs.
        } catch {
            throw .cannotCreate(error)
        }
        return try load(root: root)
    }

    /// Replaces the key with a new one, atomically (`crank doctor --repair`).
    public static func regenerate(root: String) throws(AtomicFile.Failure) {
        let path = root + "/" + keyFile
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            do { try FileManager.default.removeItem(atPath: path) } catch { throw .cannotWrite(path, reason: error.localizedDescription) }
        }
        try? CrankDirectory.ensure(projectRoot: root)
        try AtomicFile.write(Data(newKey()), to: path, overwrite: true, permissions: 0o600)
    }

    static func newKey() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<keyLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    public func fingerprint(_ value: String?) -> String {
        guard let value else { return "missing" }
        return String(SHA256.hex(SHA256.hmac(key: key, message: Array(value.utf8))).prefix(16))
    }
}
