/// Compares a literal parameter value with a simple annotation (int, float, str, bool,
/// list, dict, their typing aliases and Optional/`| None`). Anything else is not checked.
enum AnnotationCheck {
    /// A description of the value when it contradicts the annotation, else nil.
    static func mismatch(_ value: JSONValue, annotation raw: String) -> String? {
        var annotation = raw.filter { !$0.isWhitespace }
        if annotation.hasPrefix("\"") || annotation.hasPrefix("'") { annotation = String(annotation.dropFirst().dropLast()) }
        var optional = false
        if annotation.hasPrefix("Optional[") && annotation.hasSuffix("]") {
            annotation = String(annotation.dropFirst(9).dropLast())
            optional = true
        }
        let unionParts = annotation.split(separator: "|").map(String.init)
        if unionParts.count == 2 && unionParts.contains("None") {
            annotation = unionParts.first { $0 != "None" }!
            optional = true
        }
        let base = annotation.split(separator: "[").first.map(String.init) ?? annotation
        let accepts: (JSONValue) -> Bool
        switch base {
        case "int": accepts = { if case .int = $0 { return true }; return false }
        case "float": accepts = { if case .int = $0 { return true }; if case .double = $0 { return true }; return false }
        case "str": accepts = { if case .string = $0 { return true }; return false }
        case "bool": accepts = { if case .bool = $0 { return true }; return false }
        case "list", "List", "tuple", "Tuple", "set", "Set", "Sequence": accepts = { if case .array = $0 { return true }; return false }
        case "dict", "Dict", "Mapping": accepts = { if case .object = $0 { return true }; return false }
        default: return nil
        }
        if value == .null { return optional ? nil : "null" }
        return accepts(value) ? nil : describe(value)
    }

    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return "the string \"\(text)\""
        case .int(let number): return "the integer \(number)"
        case .double(let number): return "the number \(number)"
        case .bool(let flag): return "the boolean \(flag)"
        case .null: return "null"
        case .array: return "a list"
        case .object: return "a map"
        }
    }
}
