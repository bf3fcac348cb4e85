import Foundation

/// Prefect's `{{ … }}` placeholders in imported strings, and crank's own `${…}`.
/// `{{ $VAR }}` (an environment variable `prefect deploy` reads) becomes crank's `${VAR}`;
/// `{{ prefect.variables.* }}` and `{{ prefect.blocks.* }}` stay (the worker resolves them when
/// the flow runs); `{{ step.output }}` names the output of a build/pull step, which only pull
/// steps may use (crank runs no build steps). A literal `${` is written `$${`.
enum PrefectTemplateText {
    enum Placeholder: Equatable {
        case environment(String), prefect, stepOutput(String)
    }

    /// The placeholders in `text`, in order.
    static func placeholders(in text: String) -> [Placeholder] {
        var result: [Placeholder] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            let inner = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if inner.hasPrefix("$") {
                result.append(.environment(String(inner.dropFirst())))
            } else if inner.hasPrefix("prefect.") {
                result.append(.prefect)
            } else {
                result.append(.stepOutput(inner))
            }
            rest = rest[close.upperBound...]
        }
        return result
    }

    /// `text` as crank.yaml holds it: `${` escaped, `{{ $VAR }}` → `${VAR}` when `translate`.
    static func crankText(_ text: String, translate: Bool) -> String {
        var output = text.replacingOccurrences(of: "${", with: "$${")
        guard translate, output.contains("{{") else { return output }
        var result = ""
        var rest = Substring(output)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            let inner = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            result += rest[..<open.lowerBound]
            if inner.hasPrefix("$"), TextRules.isEnvironmentName(String(inner.dropFirst())) {
                result += "${" + inner.dropFirst() + "}"
            } else {
                result += rest[open.lowerBound..<close.upperBound]
            }
            rest = rest[close.upperBound...]
        }
        output = result + rest
        return output
    }

    /// Every string of `value` rewritten with `crankText`.
    static func crankValue(_ value: JSONValue, translate: Bool) -> JSONValue {
        switch value {
        case .string(let text): return .string(crankText(text, translate: translate))
        case .array(let items): return .array(items.map { crankValue($0, translate: translate) })
        case .object(let object): return .object(object.mapValues { crankValue($0, translate: translate) })
        default: return value
        }
    }
}
