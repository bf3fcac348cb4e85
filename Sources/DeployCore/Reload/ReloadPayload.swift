/// The config a reload delivers — the JSON body of an `http:` reload, the content of
/// `CRANK_CONFIG_FILE` for a `signal:` one:
///
/// ```json
/// {"deployment": "doc-converter", "environment": "dev", "release": "r4", "previous_release": "r3",
///  "env": {"LOG_LEVEL": "debug", "POLL_SECONDS": "1"}, "changed": ["POLL_SECONDS"],
///  "secrets": ["MODEL_API_TOKEN"], "env_from_secrets": ["DATABASE_URL"]}
/// ```
///
/// `env` is the deployment's effective environment (environment-wide `env:` merged with its
/// own). Secret values are never in it: `secrets` names the secrets the process already has in
/// its environment, and an env value built from a secret is left out of `env` and named in
/// `env_from_secrets` (its value reaches the process only with a restart).
public enum ReloadPayload {
    public static func json(deployment: RenderedDeployment, environment: String, release: String, previous: String, changed: [String]) -> JSONValue {
        var env: [String: JSONValue] = [:]
        var fromSecrets: [String] = []
        if case .object(let values)? = deployment.spec["env"] {
            for (key, value) in values {
                if case .string(let text) = value, text.contains("[redacted:") { fromSecrets.append(key) } else { env[key] = value }
            }
        }
        return .object([
            "deployment": .string(deployment.name),
            "environment": .string(environment),
            "release": .string(release),
            "previous_release": .string(previous),
            "env": .object(env),
            "changed": .array(changed.map(JSONValue.string)),
            "secrets": deployment.spec["secrets"] ?? .array([]),
            "env_from_secrets": .array(fromSecrets.sorted().map(JSONValue.string)),
        ])
    }

    public static func text(_ payload: JSONValue) -> String {
        JSONWriter.compactText(payload)
    }
}
