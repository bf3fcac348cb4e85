/// Reads typed values out of `ConfigNode`s, collecting an issue (with key path, file,
/// line and a fix) for every wrong type or unknown key instead of stopping at the first.
struct ConfigReader {
    var issues: [ConfigIssue] = []

    static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    /// The node's entries when it is a map, reporting unknown keys (with a did-you-mean).
    mutating func map(_ node: ConfigNode, path: String, keys: [String]) -> ConfigNode? {
        guard let entries = node.entries else {
            wrongType(node, path: path, expected: "a map")
            return nil
        }
        for entry in entries {
            let keyPath = Self.join(path, entry.key)
            guard keys.contains(entry.key) else {
                let suggestion = Suggestion.closest(to: entry.key, in: keys).map { "did you mean '\($0)'? " } ?? ""
                issues.append(ConfigIssue(.unknownKey, at: entry.keyLocation, path: keyPath,
                                          message: "unknown key '\(entry.key)'",
                                          hint: "\(suggestion)allowed keys here: \(keys.joined(separator: ", "))"))
                continue
            }
        }
        return node
    }

    /// The entries of a name → value map (deployments, environments, templates), names validated.
    mutating func namedEntries(_ node: ConfigNode?, path: String, what: String) -> [ConfigNode.Entry] {
        guard let node, node.value != .null else { return [] }
        guard let entries = node.entries else {
            wrongType(node, path: path, expected: "a map of \(what) names to settings")
            return []
        }
        return entries.filter { NameRules.check($0.key, at: $0.keyLocation, path: Self.join(path, $0.key), what: what, issues: &issues) }
    }

    mutating func string(_ node: ConfigNode?, path: String) -> String? {
        guard let node, node.value != .null else { return nil }
        guard case .scalar(let text, let type) = node.value, type == .string || type == .int || type == .float else {
            wrongType(node, path: path, expected: "a string")
            return nil
        }
        return text
    }

    mutating func int(_ node: ConfigNode?, path: String, range: ClosedRange<Int>? = nil) -> Int? {
        guard let node, node.value != .null else { return nil }
        guard case .scalar(let text, let type) = node.value, type == .int || type == .string, let value = Int(text) else {
            wrongType(node, path: path, expected: "an integer")
            return nil
        }
        if let range, !range.contains(value) {
            issues.append(ConfigIssue(.invalidValue, at: node.location, path: path,
                                      message: "\(path): \(value) is out of range \(range.lowerBound)…\(range.upperBound)",
                                      hint: "write \(path) as a whole number from \(range.lowerBound) to \(range.upperBound)"))
            return nil
        }
        return value
    }

    mutating func bool(_ node: ConfigNode?, path: String) -> Bool? {
        guard let node, node.value != .null else { return nil }
        guard case .scalar(let text, .bool) = node.value else {
            wrongType(node, path: path, expected: "true or false")
            return nil
        }
        return ["true", "yes", "on"].contains(text.lowercased())
    }

    mutating func strings(_ node: ConfigNode?, path: String) -> [String]? {
        guard let node, node.value != .null else { return nil }
        guard case .sequence(let items) = node.value else {
            wrongType(node, path: path, expected: "a list of strings")
            return nil
        }
        return items.enumerated().compactMap { string($0.element, path: "\(path)[\($0.offset)]") }
    }

    /// A map of names to scalar values (environment variables): numbers and booleans become text.
    mutating func stringMap(_ node: ConfigNode?, path: String) -> [String: String]? {
        guard let node, node.value != .null else { return nil }
        guard let entries = node.entries else {
            wrongType(node, path: path, expected: "a map of names to values")
            return nil
        }
        var result: [String: String] = [:]
        for entry in entries {
            let keyPath = Self.join(path, entry.key)
            guard case .scalar(let text, _) = entry.value.value else {
                wrongType(entry.value, path: keyPath, expected: "a string")
                continue
            }
            result[entry.key] = text
        }
        return result
    }

    mutating func enumeration<Value: RawRepresentable & CaseIterable>(
        _ node: ConfigNode?, path: String, as type: Value.Type
    ) -> Value? where Value.RawValue == String {
        guard let text = string(node, path: path), let node else { return nil }
        guard let value = Value(rawValue: text) else {
            let allowed = Value.allCases.map(\.rawValue)
            let suggestion = Suggestion.closest(to: text, in: allowed).map { "did you mean '\($0)'? " } ?? ""
            issues.append(ConfigIssue(.invalidValue, at: node.location, path: path,
                                      message: "\(path): '\(text)' is not one of \(allowed.joined(separator: ", "))",
                                      hint: "\(suggestion)use one of: \(allowed.joined(separator: ", "))"))
            return nil
        }
        return value
    }

    enum LimitPattern {
        case cpus, memory
    }

    /// A container resource limit: CPUs as a decimal number ("0.5", 2), memory as bytes with an
    /// optional unit b, k, m or g ("512m").
    mutating func limit(_ node: ConfigNode?, path: String, pattern: LimitPattern) -> String? {
        guard let text = string(node, path: path), let node else { return nil }
        let valid: Bool
        switch pattern {
        case .cpus: valid = Double(text).map { $0 > 0 && $0 <= 1024 } ?? false
        case .memory:
            let digits = text.last.map { "bkmgBKMG".contains($0) } == true ? text.dropLast() : Substring(text)
            valid = !digits.isEmpty && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber) && Int(digits).map { $0 > 0 } == true
        }
        guard valid else {
            let example = pattern == .cpus ? "a number of CPUs above 0, e.g. 0.5 or 2" : "bytes with a unit b, k, m or g, e.g. 512m or 2g"
            issues.append(ConfigIssue(.invalidValue, at: node.location, path: path,
                                      message: "\(path): '\(text)' is not a valid limit", hint: "write \(path) as \(example)"))
            return nil
        }
        return text
    }

    mutating func wrongType(_ node: ConfigNode, path: String, expected: String) {
        issues.append(ConfigIssue(.wrongType, at: node.location, path: path,
                                  message: "\(path): should be \(expected) (got \(node.typeName)\(node.string.map { " \"\($0)\"" } ?? ""))",
                                  hint: "write \(path) as \(expected)"))
    }
}
