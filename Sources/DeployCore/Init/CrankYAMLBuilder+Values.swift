import Foundation
import Yams

/// Readable YAML for crank.yaml: block maps and lists, strings plain where YAML reads them
/// back as the same string, else double-quoted with JSON escapes.
extension CrankYAMLBuilder {
    static func key(_ text: String) -> String { YAMLText.keyText(text) }

    /// `flow`: an item of a `[a, b]` list, where `,` and `:` would end or split it.
    static func scalar(_ value: JSONValue, flow: Bool = false) -> String {
        if case .string(let text) = value, readsBackPlain(text), !flow || !(text.contains(",") || text.contains(":")) { return text }
        if case .double(let number) = value, number == number.rounded(), abs(number) < 1e15 { return String(format: "%.1f", number) }
        return YAMLText.scalarText(value)
    }

    /// Whether YAML reads `text`, written plain after a key, back as the same string: a
    /// conservative set of characters, then the parser's own verdict (so `on`, `1e3`, `12:30`
    /// and `null` stay quoted).
    static func readsBackPlain(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, TextRules.isLetter(first) || TextRules.isDigit(first) || "_/.".unicodeScalars.contains(first),
              text.unicodeScalars.allSatisfy({ TextRules.isLetter($0) || TextRules.isDigit($0) || " _./:*-+=@~,()".unicodeScalars.contains($0) }),
              !text.contains(": "), !text.hasSuffix(":"), !text.hasSuffix(" "), !text.contains("  ") else { return false }
        guard let parsed = try? Yams.compose(yaml: "k: " + text), let value = parsed[String("k")],
              case .scalar(let scalar) = value, value.tag.rawValue == Tag.Name.str.rawValue else { return false }
        return scalar.string == text
    }

    /// `name: value` at `indent` levels: scalars and empty collections inline, the rest as blocks.
    static func block(_ name: String, _ value: JSONValue, indent: Int) -> [String] {
        let pad = String(repeating: "  ", count: indent)
        switch value {
        case .object(let object) where !object.isEmpty:
            return ["\(pad)\(key(name)):"] + object.keys.sorted().flatMap { block($0, object[$0]!, indent: indent + 1) }
        case .array(let items) where !items.isEmpty:
            if items.allSatisfy(\.isScalar) { return ["\(pad)\(key(name)): [\(items.map { scalar($0, flow: true) }.joined(separator: ", "))]"] }
            return ["\(pad)\(key(name)):"] + items.flatMap { listItem($0, indent: indent + 1) }
        case .object: return ["\(pad)\(key(name)): {}"]
        case .array: return ["\(pad)\(key(name)): []"]
        default: return ["\(pad)\(key(name)): \(scalar(value))"]
        }
    }

    static func listItem(_ value: JSONValue, indent: Int) -> [String] {
        let pad = String(repeating: "  ", count: indent)
        guard case .object(let object) = value, !object.isEmpty else {
            // A scalar, or a list in a list (rare): inline, a list as JSON (valid YAML flow style).
            return ["\(pad)- \(value.isScalar ? scalar(value) : YAMLText.scalarText(value))"]
        }
        var lines = object.keys.sorted().flatMap { block($0, object[$0]!, indent: indent + 1) }
        lines[0] = pad + "- " + lines[0].dropFirst(pad.count + 2)
        return lines
    }
}

extension JSONValue {
    var isScalar: Bool {
        switch self {
        case .object, .array: return false
        default: return true
        }
    }

    /// An object without its null members (a schedule without a timezone).
    var withoutNulls: JSONValue {
        guard case .object(let object) = self else { return self }
        return .object(object.filter { $0.value != .null })
    }
}
