/// Hooks as a release's manifest records them (`"hooks": […]`, present only when there are
/// any): a rollback runs the hooks of the release it restores, not what the config says now.
/// Values that hold a secret are recorded as `[redacted:NAME]` and filled back in to run.
extension Hook {
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "phase": .string(phase.rawValue), "run": .array(run.map(JSONValue.string)),
            "timeout": timeout == timeout.rounded() ? .int(Int(timeout)) : .double(timeout), "scope": .string(scope.rawValue),
        ]
        if let deployment { object["on"] = .string(deployment) }
        if !env.isEmpty { object["env"] = .object(env.mapValues(JSONValue.string)) }
        return .object(object)
    }

    public init?(json: JSONValue) {
        guard case .object(let object) = json, case .string(let phase)? = object["phase"], let phaseValue = Phase(rawValue: phase),
              case .array(let items)? = object["run"] else { return nil }
        let run = items.compactMap { if case .string(let text) = $0 { return text } else { return nil } }
        var timeout = Hook.defaultTimeout
        switch object["timeout"] {
        case .int(let value)?: timeout = Double(value)
        case .double(let value)?: timeout = value
        default: break
        }
        var deployment: String?
        if case .string(let name)? = object["on"] { deployment = name }
        var scope = Scope.environment
        if case .string(let text)? = object["scope"], let value = Scope(rawValue: text) { scope = value }
        self.init(phase: phaseValue, run: run, timeout: timeout, deployment: deployment, scope: scope)
        if case .object(let values)? = object["env"] {
            for (key, value) in values { if case .string(let text) = value { env[key] = text } }
        }
    }

    /// The hooks an environment's deploy records: the environment's, then each deployment's
    /// (config order), argv and env values redacted. Environment hooks without `on:` carry the
    /// environment's `env:`.
    static func recorded(environment: EnvironmentSpec?, deployments: [DeploymentSpec], redactor: Redactor) -> [Hook] {
        let hooks = (environment?.hooks ?? []) + deployments.flatMap(\.hooks)
        return hooks.map { hook in
            var recorded = hook
            recorded.run = hook.run.map(redactor.redact)
            if hook.deployment == nil { recorded.env = (environment?.env ?? [:]).mapValues(redactor.redact) }
            return recorded
        }
    }

    /// The recorded hooks of a manifest document (a release's).
    public static func recorded(in manifest: JSONValue) -> [Hook] {
        guard case .object(let object) = manifest, case .array(let items)? = object["hooks"] else { return [] }
        return items.compactMap(Hook.init(json:))
    }
}
