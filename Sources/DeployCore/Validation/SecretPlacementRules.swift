/// Where a secret may be interpolated: only into `env:` values — of a deployment, a template or
/// an environment — which reach the process or container environment and are recorded as
/// `[redacted:NAME]`. Any other field is stored or shown in plain text (manifest, release
/// records, prefect.yaml, a Containerfile, argv in `ps`). A secret is a name in any `secrets:`
/// list of the project (`EffectiveConfig.declaredSecrets`); its value is caught too when it
/// arrives under another name, through a default or as a literal.
extension ProjectValidator {
    func secretPlacementChecks() -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        for reference in effective.variables where effective.declaredSecrets.contains(reference.name) && !Self.isEnvValue(reference.keys) {
            issues.append(misplacedSecret(reference.name, keys: reference.keys, at: reference.location, how: "is interpolated into"))
        }
        let written = Set(issues.map { [$0.file, "\($0.line ?? 0)", "\($0.column ?? 0)"] })
        let redactor = secrets.redactor(for: effective.declaredSecrets.sorted())
        Self.strings(in: effective.tree, keys: []) { keys, node, text in
            guard !Self.isEnvValue(keys), let name = redactor.secretName(in: text),
                  !written.contains([node.location.file, "\(node.location.line)", "\(node.location.column)"]) else { return }
            issues.append(misplacedSecret(name, keys: keys, at: node.location, how: "has its value written into"))
        }
        return issues
    }

    /// `deployments.<d>.env.<KEY>`, `templates.<t>.env.<KEY>`, `environments.<e>.env.<KEY>`.
    static func isEnvValue(_ keys: [String]) -> Bool {
        keys.count == 4 && ["deployments", "templates", "environments"].contains(keys[0]) && keys[2] == "env"
    }

    func misplacedSecret(_ name: String, keys: [String], at location: SourceLocation?, how: String) -> ConfigIssue {
        let path = ConfigKeys.path(keys)
        let field = keys.count > 2 ? keys[2] : ""
        let (place, hint): (String, String)
        if field == "command" || field == "hooks" || (field == "health" && keys.count > 3 && keys[3] == "exec") {
            place = "an argv, visible in `ps` and baked into a container image"
            hint = "list it under `secrets:` (the process gets it as $\(name)) or in an `env:` value, and let the program read its environment"
        } else if field == "parameters" || field == "smoke" {
            let block = PrefectRendering.secretBlock(name, project: effective.config.project, environment: effective.environment ?? "ENV")
            place = "flow parameters, stored in plain text by Prefect and in prefect.yaml"
            hint = "list \(name) under the deployment's `secrets:` and read it in the flow from the environment; on Prefect it lives in the Secret block \(block) (`{{ prefect.blocks.secret.\(block) }}` in the run's env)"
        } else {
            place = "a field crank records in plain text (manifest, release records, generated files)"
            hint = "secrets may be interpolated only into `env:` values, which are recorded as [redacted:\(name)]"
        }
        return ConfigIssue(.secretPlacement, at: location, path: path,
                           message: "\(path): secret \(name) \(how) \(place)", hint: hint)
    }

    /// Every string scalar of the tree with the keys leading to it.
    static func strings(in node: ConfigNode, keys: [String], _ visit: ([String], ConfigNode, String) -> Void) {
        switch node.value {
        case .scalar(let text, .string): visit(keys, node, text)
        case .sequence(let items): for (index, item) in items.enumerated() { strings(in: item, keys: keys + ["[\(index)]"], visit) }
        case .mapping(let entries): for entry in entries { strings(in: entry.value, keys: keys + [entry.key], visit) }
        default: break
        }
    }
}
