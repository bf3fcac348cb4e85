/// A rendered spec may carry a secret's value nowhere: `env` values are redacted before they
/// get here, and any other field (description, argv, parameters, tags, health, …) would be
/// written in plain text into artifacts, records and process listings — so the render stops.
enum SecretPlacement {
    static func check(_ deployment: RenderedDeployment, redactor: Redactor) throws(DeploymentRenderer.Failure) {
        for key in deployment.spec.keys.sorted() {
            if let secret = firstSecret(in: deployment.spec[key]!, redactor: redactor) {
                throw .secretInField(deployment: deployment.name, field: key == "argv" ? "command" : key, secret: secret)
            }
        }
    }

    static func firstSecret(in value: JSONValue, redactor: Redactor) -> String? {
        switch value {
        case .string(let text): return redactor.secretName(in: text)
        case .array(let items): return items.lazy.compactMap { firstSecret(in: $0, redactor: redactor) }.first
        case .object(let object): return object.keys.sorted().lazy.compactMap { firstSecret(in: object[$0]!, redactor: redactor) }.first
        default: return nil
        }
    }
}
