/// `hooks:`: an environment hook's `on:` names one of its deployments; a container
/// environment's hooks run in a deployment's image, so they need `on:`; and targets that
/// cannot run hooks yet say so instead of ignoring them.
extension ProjectValidator {
    /// Where hooks run, per target: the targets not listed here refuse them.
    static func hookProblem(_ spec: EnvironmentSpec) -> String? {
        switch spec.target {
        case .local:
            return nil
        case .container:
            return spec.hasHosts ? "hooks are not supported on container environments with `hosts:` yet" : nil
        case .prefect, .swarm:
            return "hooks are not supported on target \(spec.target.rawValue) yet"
        }
    }

    func hookChecks() -> [ConfigIssue] {
        guard let spec = currentEnvironment else { return [] }
        var issues: [ConfigIssue] = []
        let names = effective.config.deployments.map(\.name)
        let written = spec.hooks.map { ("environments.\(spec.name).hooks", $0) }
            + effective.config.deployments.flatMap { deployment in deployment.hooks.map { ("deployments.\(deployment.name).hooks", $0) } }
        var seen: [String: Int] = [:]
        for (base, hook) in written {
            let index = seen["\(base).\(hook.phase.rawValue)", default: 0]
            seen["\(base).\(hook.phase.rawValue)"] = index + 1
            let path = "\(base).\(hook.phase.rawValue)[\(index)]"
            let keys = path.replacingOccurrences(of: "[", with: ".[").split(separator: ".").map(String.init)
            let location = ConfigKeys.node(keys, in: effective.tree)?.location
            if let problem = Self.hookProblem(spec) {
                issues.append(ConfigIssue(.targetMismatch, at: location, path: path,
                                          message: "\(problem): environment '\(spec.name)' (target \(spec.target.rawValue)) would not run \(hook.phase.rawValue) hook `\(hook.commandLine)`",
                                          hint: "remove the hook from this environment (`hooks: null` in its overlay), or run it by hand around `crank deploy`"))
                continue
            }
            if hook.scope == .environment, let name = hook.deployment, !names.contains(name) {
                let suggestion = Suggestion.closest(to: name, in: names).map { "did you mean '\($0)'? " } ?? ""
                issues.append(ConfigIssue(.invalidValue, at: ConfigKeys.node(keys + ["on"], in: effective.tree)?.location, path: path + ".on",
                                          message: "\(path).on: no deployment '\(name)' in environment '\(spec.name)'",
                                          hint: "\(suggestion)deployments: \(names.isEmpty ? "none" : names.joined(separator: ", "))"))
            }
            if spec.target == .container, hook.deployment == nil {
                issues.append(ConfigIssue(.missingKey, at: location, path: path + ".on",
                                          message: "\(path): a container environment runs a hook in a one-off container of a deployment's image, and this one names none",
                                          hint: "add `on: <deployment>` (\(names.joined(separator: ", "))): the hook runs in that deployment's image with its env and secrets"))
            }
        }
        return issues
    }
}
