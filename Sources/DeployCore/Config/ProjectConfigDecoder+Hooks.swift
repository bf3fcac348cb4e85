/// `hooks:` of an environment or a deployment: `{pre_deploy, post_deploy, pre_rollback,
/// post_rollback}`, each a list of `{run: [argv], timeout: 300s, on: deployment}`. Whether
/// `on:` names a deployment and the target can run hooks is the validator's to say.
extension ProjectConfigDecoder {
    static let hookKeys = ["run", "timeout", "on"]

    /// `deployment`: the deployment whose hooks these are (nil: an environment's).
    mutating func decodeHooks(_ node: ConfigNode?, path: String, deployment: String? = nil) -> [Hook] {
        guard let node, node.value != .null else { return [] }
        let phases = Hook.Phase.allCases.map(\.rawValue)
        guard reader.map(node, path: path, keys: phases) != nil else { return [] }
        var hooks: [Hook] = []
        for phase in Hook.Phase.allCases {
            let phasePath = path + "." + phase.rawValue
            guard let list = node[phase.rawValue], list.value != .null else { continue }
            guard case .sequence(let items) = list.value else {
                reader.wrongType(list, path: phasePath, expected: "a list of hooks such as [{run: [python3, manage.py, migrate]}]")
                continue
            }
            for (index, item) in items.enumerated() {
                if let hook = hook(item, phase: phase, path: "\(phasePath)[\(index)]", deployment: deployment) { hooks.append(hook) }
            }
        }
        return hooks
    }

    mutating func hook(_ node: ConfigNode, phase: Hook.Phase, path: String, deployment: String?) -> Hook? {
        guard let map = reader.map(node, path: path, keys: deployment == nil ? Self.hookKeys : ["run", "timeout"]) else { return nil }
        var hook = Hook(phase: phase, run: [], deployment: deployment, scope: deployment == nil ? .environment : .deployment)
        guard let run = map["run"], run.value != .null else {
            reader.issues.append(ConfigIssue(.missingKey, at: node.location, path: path + ".run", message: "\(path) has no `run:`",
                                             hint: "write the program as an argv list, e.g. `run: [python3, manage.py, migrate]` (no shell)"))
            return nil
        }
        guard case .sequence = run.value else {
            reader.wrongType(run, path: path + ".run", expected: "an argv list such as [python3, manage.py, migrate] (no shell)")
            return nil
        }
        hook.run = reader.strings(run, path: path + ".run") ?? []
        if hook.run.isEmpty || hook.run[0].isEmpty {
            reader.issues.append(ConfigIssue(.invalidValue, at: run.location, path: path + ".run", message: "\(path).run: names no program",
                                             hint: "write the argv, e.g. [python3, manage.py, migrate]"))
            return nil
        }
        if let timeout = map["timeout"], timeout.value != .null {
            guard let seconds = duration(timeout, path: path + ".timeout") else { return nil }
            guard seconds > 0 else {
                reader.issues.append(ConfigIssue(.invalidValue, at: timeout.location, path: path + ".timeout", message: "\(path).timeout: must be above 0",
                                                 hint: "write a duration such as 30s, 5m or 1h (at most 24h)"))
                return nil
            }
            hook.timeout = seconds
        }
        if deployment == nil { hook.deployment = reader.string(map["on"], path: path + ".on") }
        return hook
    }
}
