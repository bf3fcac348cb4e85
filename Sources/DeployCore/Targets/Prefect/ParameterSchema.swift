/// `parameter_openapi_schema` for a flow, computed statically from its discovered
/// signature — the same JSON schema Prefect builds with pydantic when it imports the flow
/// (the server does not infer it). Annotations it does not understand get no `type`,
/// as Prefect does for unannotated parameters.
public enum ParameterSchema {
    public static func generate(for flow: Flow) -> JSONValue {
        var properties: [String: JSONValue] = [:]
        var required: [JSONValue] = []
        var position = 0
        // Like Prefect, *args and **kwargs are listed (and, having no default, required).
        for parameter in flow.parameters {
            var property: [String: JSONValue] = ["title": .string(parameter.name), "position": .int(position)]
            position += 1
            if let annotation = parameter.annotation {
                for (key, value) in schema(forAnnotation: annotation) { property[key] = value }
            }
            if let text = parameter.default {
                if let value = literal(text) { property["default"] = value }
            } else {
                required.append(.string(parameter.name))
            }
            properties[parameter.name] = .object(property)
        }
        // What `prefect deploy` sends is `ParameterSchema.model_dump(exclude_unset=True)`:
        // no `definitions`, and `required` only when some parameter has no default.
        var result: [String: JSONValue] = ["title": .string("Parameters"), "type": .string("object"), "properties": .object(properties)]
        if !required.isEmpty { result["required"] = .array(required) }
        return .object(result)
    }

    /// The JSON-schema keywords for a simple annotation (`int`, `list[str]`, `Optional[int]`, …).
    static func schema(forAnnotation raw: String) -> [String: JSONValue] {
        var text = raw.filter { !$0.isWhitespace }
        if text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first {
            text = String(text.dropFirst().dropLast())
        }
        if text.hasPrefix("Optional[") && text.hasSuffix("]") {
            return nullable(schema(forAnnotation: String(text.dropFirst(9).dropLast())))
        }
        let parts = splitTopLevel(text, on: "|")
        if parts.count == 2, parts.contains("None"), let other = parts.first(where: { $0 != "None" }) {
            return nullable(schema(forAnnotation: other))
        }
        let base = text.split(separator: "[", maxSplits: 1).first.map(String.init) ?? text
        let argument = text.contains("[") && text.hasSuffix("]") ? String(text.drop { $0 != "[" }.dropFirst().dropLast()) : nil
        switch base {
        case "int": return ["type": .string("integer")]
        case "float": return ["type": .string("number")]
        case "str": return ["type": .string("string")]
        case "bool": return ["type": .string("boolean")]
        case "list", "List":
            var result: [String: JSONValue] = ["type": .string("array")]
            if let argument { result["items"] = .object(schema(forAnnotation: argument)) } else { result["items"] = .object([:]) }
            return result
        case "dict", "Dict":
            // `dict[str, V]` constrains the values as pydantic does; bare `dict` or `Any` values do not.
            let values = argument.map { splitTopLevel($0, on: ",") }.flatMap { $0.count == 2 ? schema(forAnnotation: $0[1]) : nil } ?? [:]
            return ["type": .string("object"), "additionalProperties": values.isEmpty ? .bool(true) : .object(values)]
        default:
            return [:]
        }
    }

    static func nullable(_ inner: [String: JSONValue]) -> [String: JSONValue] {
        ["anyOf": .array([.object(inner), .object(["type": .string("null")])])]
    }

    static func splitTopLevel(_ text: String, on separator: Character) -> [String] {
        var parts: [String] = []
        var depth = 0
        var current = ""
        for character in text {
            if character == "[" { depth += 1 }
            if character == "]" { depth -= 1 }
            if character == separator && depth == 0 {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }

    /// The JSON value of a default written as a Python literal, or nil for expressions.
    static func literal(_ text: String) -> JSONValue? {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer -> JSONValue? in
            let source = UnsafeBufferPointer(buffer)
            var tokens: [PythonToken] = []
            do {
                try PythonTokenizer.tokenize(source, into: &tokens)
            } catch {
                return nil
            }
            let meaningful = tokens.indices.filter { tokens[$0].kind != .newline && tokens[$0].kind != .endMarker }
            guard let first = meaningful.first, let last = meaningful.last else { return nil }
            return SourceView(src: source, tokens: tokens).literal(first..<(last + 1))
        }
    }
}
