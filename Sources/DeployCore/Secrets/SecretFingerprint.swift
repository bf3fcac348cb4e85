import Foundation

/// Detects that a secret changed without storing it: HMAC-SHA-256 of the value under a
/// random per-project key kept in `.crank/secret-key` (git-ignored, mode 0600), truncated.
public struct SecretFingerprint: Sendable {
    public static let keyFile = ".crank/secret-key"
    let key: [UInt8]

    public init(key: [UInt8]) {
        self.key = key
    }

    /// Loads the project's key, creating it on first use.
    public static func load(root: String) throws(AtomicFile.Failure) -> SecretFingerprint {
        let path = root + "/" + keyFile
        if let data = FileManager.default.contents(atPath: path), data.count >= 32 {
            return SecretFingerprint(key: Array(data))
        }
        var key = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in key.indices { key[index] = UInt8.random(in: .min ... .max, using: &generator) }
        try AtomicFile.write(Data(key), to: path, overwrite: false, permissions: 0o600)
        return SecretFingerprint(key: Array(FileManager.default.contents(atPath: path) ?? Data(key)))
    }

    public func fingerprint(_ value: String?) -> String {
        guard let value else { return "missing" }
        return String(SHA256.hex(SHA256.hmac(key: key, message: Array(value.utf8))).prefix(16))
    }
}
