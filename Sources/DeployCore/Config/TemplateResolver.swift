/// Applies `template:` references: a deployment is its template (and that template's
/// template, …) with the deployment's own keys deep-merged over it.
enum TemplateResolver {
    static func apply(to tree: ConfigNode) -> (ConfigNode, [ConfigIssue]) {
        guard var entries = tree.entries, let deploymentsIndex = entries.firstIndex(where: { $0.key == "deployments" }),
              var deployments = entries[deploymentsIndex].value.entries else { return (tree, []) }
        let templates = tree["templates"]
        var issues: [ConfigIssue] = []
        for index in deployments.indices {
            let path = "deployments.\(deployments[index].key)"
            deployments[index].value = resolve(deployments[index].value, path: path, templates: templates, chain: [], issues: &issues)
        }
        entries[deploymentsIndex].value.value = .mapping(deployments)
        var result = tree
        result.value = .mapping(entries)
        return (result, issues)
    }

    private static func resolve(
        _ node: ConfigNode, path: String, templates: ConfigNode?, chain: [String], issues: inout [ConfigIssue]
    ) -> ConfigNode {
        guard let reference = node["template"], case .scalar(let name, .string) = reference.value else { return node }
        guard !chain.contains(name) else {
            issues.append(ConfigIssue(.templateCycle, at: reference.location, path: path + ".template",
                                      message: "templates refer to each other in a cycle: \((chain + [name]).joined(separator: " → "))",
                                      hint: "remove one of the `template:` references"))
            return node
        }
        guard let template = templates?[name] else {
            let known = templates?.entries?.map(\.key) ?? []
            let suggestion = Suggestion.closest(to: name, in: known).map { "did you mean '\($0)'? " } ?? ""
            issues.append(ConfigIssue(.unknownTemplate, at: reference.location, path: path + ".template",
                                      message: "unknown template '\(name)'",
                                      hint: "\(suggestion)templates defined: \(known.isEmpty ? "none" : known.joined(separator: ", "))"))
            return node
        }
        let resolvedTemplate = resolve(template, path: "templates.\(name)", templates: templates, chain: chain + [name], issues: &issues)
        return resolvedTemplate.merged(with: node)
    }
}
