/// One `${NAME}` written in a config value: which variable, and the keys of the value.
public struct VariableReference: Equatable, Sendable {
    public var name: String
    /// Keys from the root to the value; a list item is `[index]`.
    public var keys: [String]
    public var location: SourceLocation?

    /// The dotted key path, e.g. `deployments.api.command[2]`.
    public var path: String { ConfigKeys.path(keys) }
}

/// Expands `${VAR}` and `${VAR:-default}` in string values from the process environment;
/// `$${` writes a literal `${`. An undefined variable without a default is an issue.
public struct VariableInterpolator {
    public let environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// The node with every string scalar expanded, and one issue per unset variable.
    public func expand(_ node: ConfigNode) -> (ConfigNode, [ConfigIssue]) {
        let (result, issues, _) = expandRecording(node)
        return (result, issues)
    }

    /// Also returns every variable reference, with the keys of the value that wrote it.
    public func expandRecording(_ node: ConfigNode) -> (ConfigNode, [ConfigIssue], [VariableReference]) {
        var issues: [ConfigIssue] = []
        var references: [VariableReference] = []
        let result = expand(node, keys: [], issues: &issues, references: &references)
        return (result, issues, references)
    }

    private func expand(_ node: ConfigNode, keys: [String], issues: inout [ConfigIssue], references: inout [VariableReference]) -> ConfigNode {
        var copy = node
        switch node.value {
        case .scalar(let text, .string) where text.contains("$"):
            var names: [String] = []
            let path = VariableReference(name: "", keys: keys).path
            copy.value = .scalar(expand(text, at: node.location, path: path, issues: &issues, names: &names), .string)
            references += names.map { VariableReference(name: $0, keys: keys, location: node.location) }
        case .sequence(let items):
            copy.value = .sequence(items.enumerated().map { expand($0.element, keys: keys + ["[\($0.offset)]"], issues: &issues, references: &references) })
        case .mapping(let entries):
            copy.value = .mapping(entries.map { entry in
                var entry = entry
                entry.value = expand(entry.value, keys: keys + [entry.key], issues: &issues, references: &references)
                return entry
            })
        default:
            break
        }
        return copy
    }

    /// Expands one string.
    public func expand(_ text: String, at location: SourceLocation?, path: String, issues: inout [ConfigIssue]) -> String {
        var names: [String] = []
        return expand(text, at: location, path: path, issues: &issues, names: &names)
    }

    /// Expands one string; `names` collects the variables it refers to.
    func expand(_ text: String, at location: SourceLocation?, path: String, issues: inout [ConfigIssue], names: inout [String]) -> String {
        var output = ""
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            output += rest[..<dollar]
            let afterDollar = rest.index(after: dollar)
            if rest[afterDollar...].hasPrefix("${") {  // $${ → literal ${
                output += "${"
                rest = rest[rest.index(afterDollar, offsetBy: 2)...]
                continue
            }
            guard rest[afterDollar...].hasPrefix("{"), let close = rest[afterDollar...].firstIndex(of: "}") else {
                output += "$"
                rest = rest[afterDollar...]
                continue
            }
            let body = rest[rest.index(after: afterDollar)..<close]
            let parts = body.split(separator: ":-", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            names.append(name)
            if let value = environment[name], !(parts.count == 2 && value.isEmpty) {
                output += value
            } else if parts.count == 2 {
                output += parts[1]
            } else {
                issues.append(ConfigIssue(
                    .unsetVariable, at: location, path: path,
                    message: "environment variable \(name) is not set and has no default",
                    hint: "export \(name)=… before running crank, or write ${\(name):-default}"))
            }
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }
}
