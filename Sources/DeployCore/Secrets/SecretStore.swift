import Foundation

/// Secret values, found by name in the process environment or in the git-ignored
/// `.crank/secrets/<env>.env` (the process environment wins). Values never leave this
/// type except into a deployed process's environment and the `Redactor`.
public struct SecretStore: Sendable {
    public static func file(for environment: String) -> String { ".crank/secrets/\(environment).env" }
    /// Larger secrets files are refused, not read.
    public static let maxFileSize = 1_048_576

    private let values: [String: String]
    /// Why the secrets file could not be read (too large, not a regular file, not UTF-8); nil when
    /// it was read or does not exist. Validation reports it.
    public let fileIssue: ConfigIssue?

    public init(values: [String: String], fileIssue: ConfigIssue? = nil) {
        self.values = values
        self.fileIssue = fileIssue
    }

    /// Reads the env file (if any) and overlays the process environment.
    public static func load(root: String, environment: String, processEnvironment: [String: String]) -> SecretStore {
        var values: [String: String] = [:]
        var issue: ConfigIssue?
        let relative = file(for: environment)
        switch RegularFile.contents(of: root + "/" + relative, limit: maxFileSize) {
        case .success(let bytes):
            if let text = String(validating: bytes, as: UTF8.self) {
                values = parseEnvFile(text)
            } else {
                issue = ConfigIssue(.invalidValue, at: nil, file: relative, path: "", message: "secrets file is not UTF-8 text",
                                    hint: "save \(relative) as UTF-8")
            }
        case .failure(.missing): break
        case .failure(let failure): issue = ConfigIssue(failure, file: relative, limit: maxFileSize, what: "secrets file")
        }
        for (key, value) in processEnvironment { values[key] = value }
        // A secrets file written by hand before crank ever ran: keep it out of git from now on.
        CrankDirectory.ensureIfPresent(projectRoot: root)
        return SecretStore(values: values, fileIssue: issue)
    }

    /// `KEY=VALUE` lines; `#` comments, blank lines, `export ` prefixes and matching quotes allowed.
    public static func parseEnvFile(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            var line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingWhitespace() }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<equals]).trimmingWhitespace()
            var value = String(line[line.index(after: equals)...]).trimmingWhitespace()
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            result[key] = value
        }
        return result
    }

    public func value(_ name: String) -> String? {
        values[name]
    }

    /// `[redacted:NAME]` in a recorded spec → the secret's current value.
    public func unredact(_ text: String) -> String {
        guard text.contains("[redacted:") else { return text }
        var result = text
        while let start = result.range(of: "[redacted:"), let end = result[start.upperBound...].firstIndex(of: "]") {
            let name = String(result[start.upperBound..<end])
            result.replaceSubrange(start.lowerBound...end, with: value(name) ?? "")
        }
        return result
    }

    /// A redactor for the named secrets that have values.
    public func redactor(for names: [String]) -> Redactor {
        Redactor(secrets: names.compactMap { name in values[name].map { (name, $0) } })
    }
}

/// Replaces secret values in any text with `[redacted:NAME]`.
public struct Redactor: Sendable {
    private let secrets: [(name: String, value: String)]

    public init(secrets: [(String, String)]) {
        // Longest first, so a secret containing another is replaced whole; very short values
        // would redact ordinary words and are left alone (documented).
        self.secrets = secrets.filter { $0.1.count >= 4 }.sorted { $0.1.count > $1.1.count }.map { (name: $0.0, value: $0.1) }
    }

    public static let none = Redactor(secrets: [])

    /// The name of the (longest) secret whose value occurs in `text`, if any.
    public func secretName(in text: String) -> String? {
        secrets.first { text.contains($0.value) }?.name
    }

    public func redact(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret.value) {
            result = result.replacingOccurrences(of: secret.value, with: "[redacted:\(secret.name)]")
        }
        return result
    }
}
