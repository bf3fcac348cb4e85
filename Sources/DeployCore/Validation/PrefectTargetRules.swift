/// What a `target: prefect` environment needs: an API URL, a work pool for every flow, a
/// value for the API key secret, and flows only (Prefect runs flows, not services).
extension ProjectValidator {
    var prefectEnvironment: EnvironmentSpec? {
        guard let name = effective.environment, let spec = effective.config.environment(name), spec.target == .prefect else { return nil }
        return spec
    }

    func prefectEnvironmentChecks() -> [ConfigIssue] {
        guard let spec = prefectEnvironment else { return [] }
        let path = "environments.\(spec.name)"
        var issues: [ConfigIssue] = []
        if spec.prefectAPIURL == nil {
            issues.append(ConfigIssue(.missingKey, at: effective.keyLocation(path), path: path + ".prefect.api_url",
                                      message: "environment '\(spec.name)' deploys to Prefect but has no API URL",
                                      hint: "add `prefect: {api_url: \"${PREFECT_API_URL:-http://127.0.0.1:4200/api}\"}` to the environment"))
        }
        if let secret = spec.prefectAPIKeySecret, secrets.value(secret) == nil {
            issues.append(ConfigIssue(.missingSecret, at: effective.location(path + ".prefect.api_key_secret"), path: path + ".prefect.api_key_secret",
                                      message: "secret \(secret) (the Prefect API key) has no value",
                                      hint: "export \(secret)=… or add `\(secret)=…` to \(SecretStore.file(for: spec.name)) (git-ignored)"))
        }
        return issues
    }

    func prefectTargetChecks(_ deployment: DeploymentSpec, path: String) -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        if deployment.smoke != nil && deployment.flow == nil {
            issues.append(ConfigIssue(.invalidValue, at: effective.keyLocation(path + ".smoke"), path: path + ".smoke",
                                      message: "`smoke:` runs a flow, and '\(deployment.name)' is a service",
                                      hint: "gate services with `health:`; use `smoke:` on flow deployments"))
        }
        guard let spec = prefectEnvironment else { return issues }
        guard deployment.flow != nil else {
            if deployment.command != nil {
                issues.append(ConfigIssue(.targetMismatch, at: effective.keyLocation(path), path: path,
                                          message: "service '\(deployment.name)' cannot deploy to the Prefect environment '\(spec.name)': Prefect runs flows, not long-running processes",
                                          hint: "remove it here with `\(deployment.name): null` under deployments: in the \(spec.name) overlay, and deploy it to a local or container environment"))
            }
            return issues
        }
        if deployment.workPool == nil && spec.prefectWorkPool == nil {
            issues.append(ConfigIssue(.missingKey, at: effective.keyLocation(path + ".flow"), path: "environments.\(spec.name).prefect.work_pool",
                                      message: "flow deployment '\(deployment.name)' has no work pool",
                                      hint: "set environments.\(spec.name).prefect.work_pool (or work_pool: on the deployment)"))
        }
        if let smoke = deployment.smoke, let reference = deployment.flow, let flow = FlowReference.resolve(reference, in: flows) {
            let names = Set(flow.parameters.map(\.name))
            let open = flow.parameters.contains { $0.kind == .varKeyword }
            for name in smoke.parameters.keys.sorted() where !names.contains(name) && !open {
                let parameterPath = path + ".smoke.parameters." + name
                issues.append(ConfigIssue(.unknownParameter, at: effective.keyLocation(parameterPath), path: parameterPath,
                                          message: "flow '\(flow.name)' has no parameter '\(name)'",
                                          hint: "its parameters: \(names.isEmpty ? "none" : names.sorted().joined(separator: ", "))"))
            }
        }
        return issues
    }
}
