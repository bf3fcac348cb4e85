/// Names of projects, deployments, environments and templates become file names,
/// container names and API identifiers: lowercase letters, digits, `-`, `_`, `.`;
/// starting with a letter or digit; no path separators or `..`; at most 63 characters.
public enum NameRules {
    public static func isValid(_ name: String) -> Bool {
        guard !name.isEmpty, name.count <= 63, !name.contains(".."), let first = name.unicodeScalars.first else { return false }
        let allowed = { (c: Unicode.Scalar) in
            ("a"..."z").contains(c) || ("0"..."9").contains(c) || c == "-" || c == "_" || c == "."
        }
        return ("a"..."z").contains(first) || ("0"..."9").contains(first) ? name.unicodeScalars.allSatisfy(allowed) : false
    }

    @discardableResult
    static func check(_ name: String, at location: SourceLocation?, path: String, what: String, issues: inout [ConfigIssue]) -> Bool {
        guard !isValid(name) else { return true }
        issues.append(ConfigIssue(.invalidName, at: location, path: path,
                                  message: "\(what) name '\(name)' is not allowed",
                                  hint: "use lowercase letters, digits, '-', '_' and '.', starting with a letter or digit (no '/', no '..', at most 63 characters)"))
        return false
    }
}

/// "Did you mean …?" for a mistyped key or name.
public enum Suggestion {
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= max(2, word.count / 3) ? best.0 : nil
    }

    /// Edits between two words (insert, delete, substitute, or swap two neighbours: `stauts` is
    /// one swap from `status`, so it wins over `start`).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var beforePrevious = Array(repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            beforePrevious = previous
            previous = current
        }
        return previous[b.count]
    }
}
