/// Expands `${VAR}` and `${VAR:-default}` in string values from the process environment;
/// `$${` writes a literal `${`. An undefined variable without a default is an issue.
public struct VariableInterpolator {
    public let environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// The node with every string scalar expanded, and one issue per unset variable.
    public func expand(_ node: ConfigNode, path: String = "") -> (ConfigNode, [ConfigIssue]) {
        var issues: [ConfigIssue] = []
        let result = expand(node, path: path, issues: &issues)
        return (result, issues)
    }

    private func expand(_ node: ConfigNode, path: String, issues: inout [ConfigIssue]) -> ConfigNode {
        var copy = node
        switch node.value {
        case .scalar(let text, .string) where text.contains("$"):
            copy.value = .scalar(expand(text, at: node.location, path: path, issues: &issues), .string)
        case .sequence(let items):
            copy.value = .sequence(items.enumerated().map { expand($0.element, path: "\(path)[\($0.offset)]", issues: &issues) })
        case .mapping(let entries):
            copy.value = .mapping(entries.map { entry in
                var entry = entry
                entry.value = expand(entry.value, path: path.isEmpty ? entry.key : path + "." + entry.key, issues: &issues)
                return entry
            })
        default:
            break
        }
        return copy
    }

    /// Expands one string.
    public func expand(_ text: String, at location: SourceLocation?, path: String, issues: inout [ConfigIssue]) -> String {
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
