/// A small deterministic YAML emitter for generated artifacts (prefect.yaml): block maps
/// in the key order given, block lists, and every string double-quoted with JSON escapes
/// (valid YAML, never mis-typed: "on", "1e3" and "null" stay strings).
public enum YAMLText {
    /// An ordered map for emission.
    public typealias Entries = [(String, YAMLValue)]

    public indirect enum YAMLValue {
        case scalar(JSONValue)
        case map(Entries)
        case list([YAMLValue])

        public static func json(_ value: JSONValue) -> YAMLValue {
            switch value {
            case .object(let object): return .map(object.keys.sorted().map { ($0, .json(object[$0]!)) })
            case .array(let items): return .list(items.map(YAMLValue.json))
            default: return .scalar(value)
            }
        }
    }

    public static func render(_ entries: Entries, header: String = "") -> String {
        header + lines(.map(entries), indent: 0).map { $0 + "\n" }.joined()
    }

    /// The value as block-style lines at `indent` (two spaces per level).
    static func lines(_ value: YAMLValue, indent: Int) -> [String] {
        let pad = String(repeating: "  ", count: indent)
        switch value {
        case .scalar(let scalar):
            return [pad + scalarText(scalar)]
        case .map(let entries):
            if entries.isEmpty { return [pad + "{}"] }
            return entries.flatMap { key, child -> [String] in
                let key = keyText(key)
                if let inline = inlineText(child) { return ["\(pad)\(key): \(inline)"] }
                if case .list = child { return ["\(pad)\(key):"] + lines(child, indent: indent) }
                return ["\(pad)\(key):"] + lines(child, indent: indent + 1)
            }
        case .list(let items):
            if items.isEmpty { return [pad + "[]"] }
            return items.flatMap { item -> [String] in
                if let inline = inlineText(item) { return ["\(pad)- \(inline)"] }
                var nested = lines(item, indent: indent + 1)
                nested[0] = pad + "- " + nested[0].dropFirst(pad.count + 2)
                return nested
            }
        }
    }

    /// Scalars and empty collections fit on the key's line.
    static func inlineText(_ value: YAMLValue) -> String? {
        switch value {
        case .scalar(let scalar): return scalarText(scalar)
        case .map(let entries) where entries.isEmpty: return "{}"
        case .list(let items) where items.isEmpty: return "[]"
        default: return nil
        }
    }

    /// Plain when YAML reads it back as the same string; else double-quoted with JSON escapes
    /// (a key with a newline, `: ` or `#` — or `on`, `null`, `1` — cannot change the document).
    static func keyText(_ key: String) -> String {
        let plain = key.unicodeScalars.first.map { TextRules.isLetter($0) || $0 == "_" } == true
            && key.unicodeScalars.allSatisfy { TextRules.isLetter($0) || TextRules.isDigit($0) || "_.-".unicodeScalars.contains($0) }
            && !["y", "n", "yes", "no", "on", "off", "true", "false", "null"].contains(key.lowercased())
        return plain ? key : JSONWriter.compactText(.string(key))
    }

    /// A comment line's text: control characters escaped, so it stays one line.
    public static func comment(_ text: String) -> String {
        "# " + (TextRules.hasControlCharacters(text) ? String(JSONWriter.compactText(.string(text)).dropFirst().dropLast()) : text)
    }

    /// JSON scalars are valid YAML flow scalars (strings double-quoted, escapes JSON's).
    static func scalarText(_ value: JSONValue) -> String {
        JSONWriter.compactText(value)
    }
}
