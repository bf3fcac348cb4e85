/// A flow deployment's Prefect fields (`name`, `version`, `job_variables`, `working_directory`,
/// `pull`): flows only, one way of saying where the flow runs, and no two deployments of one
/// flow registering the same Prefect name in an environment (the server would keep only one).
extension ProjectValidator {
    func prefectFieldChecks() -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        var registered: [String: String] = [:]  // "<flow>/<name>" → the deployment registering it
        for deployment in effective.config.deployments {
            let path = "deployments.\(deployment.name)"
            let fields = deployment.prefect
            guard deployment.flow != nil else {
                for (key, set) in [("name", fields.name != nil), ("version", fields.version != nil), ("job_variables", !fields.jobVariables.isEmpty),
                                   ("working_directory", fields.workingDirectory != nil), ("pull", fields.pullSteps != nil)] where set {
                    issues.append(ConfigIssue(.invalidValue, at: effective.keyLocation(path + "." + key), path: path + "." + key,
                                              message: "`\(key):` is a Prefect setting of flow deployments, and '\(deployment.name)' is a service",
                                              hint: "remove it; a service's name is its config key and its version the release"))
                }
                continue
            }
            if let name = fields.name, !TextRules.isPrefectName(name) || name.count > 200 {
                issues.append(invalid(["deployments", deployment.name, "name"], name, rule: Self.prefectNameRule + ", at most 200 characters"))
            }
            if let version = fields.version, version.isEmpty || TextRules.hasControlCharacters(version) {
                issues.append(invalid(["deployments", deployment.name, "version"], version, rule: "a version text without control characters"))
            }
            if let directory = fields.workingDirectory, directory.isEmpty || TextRules.hasControlCharacters(directory) {
                issues.append(invalid(["deployments", deployment.name, "working_directory"], directory, rule: "a directory path without control characters"))
            }
            if fields.workingDirectory != nil && fields.pullSteps != nil {
                issues.append(ConfigIssue(.conflictingKeys, at: effective.keyLocation(path + ".working_directory"), path: path + ".working_directory",
                                          message: "deployment '\(deployment.name)' has both `working_directory:` and `pull:`",
                                          hint: "keep one: `working_directory: DIR` is the pull step prefect.deployments.steps.set_working_directory"))
            }
            if deployment.kind == .container, fields.jobVariables["image"] != nil {
                issues.append(ConfigIssue(.conflictingKeys, at: effective.keyLocation(path + ".job_variables"), path: path + ".job_variables.image",
                                          message: "container deployment '\(deployment.name)' sets job_variables.image, but crank builds and names its image",
                                          hint: "remove job_variables.image, or make the deployment `kind: python` to run an image you build yourself"))
            }
            if case .object(let env)? = fields.jobVariables["env"] {
                for name in env.keys.sorted() where deployment.env[name] != nil || deployment.secrets.contains(name) {
                    issues.append(ConfigIssue(.conflictingKeys, at: effective.keyLocation(path + ".job_variables"), path: path + ".job_variables.env." + name,
                                              message: "deployment '\(deployment.name)' sets \(name) both in job_variables.env and in `env:`/`secrets:`",
                                              hint: "keep it in one place (`env:` is the usual one; secrets belong in `secrets:`)"))
                }
            } else if let env = fields.jobVariables["env"], env != .null {
                issues.append(ConfigIssue(.wrongType, at: effective.location(path + ".job_variables"), path: path + ".job_variables.env",
                                          message: "\(path).job_variables.env: should be a map of variable names to values", hint: "or use the deployment's `env:`"))
            }
            if let reference = deployment.flow, let flow = FlowReference.resolve(reference, in: flows) {
                let full = flow.name + "/" + (fields.name ?? deployment.name)
                if let other = registered[full] {
                    issues.append(ConfigIssue(.conflictingKeys, at: effective.keyLocation(path + (fields.name != nil ? ".name" : "")), path: path + ".name",
                                              message: "deployments '\(other)' and '\(deployment.name)' both register the Prefect deployment \(full) in this environment",
                                              hint: "give one of them another `name:`, or remove one in this environment's overlay with `\(deployment.name): null`"))
                } else {
                    registered[full] = deployment.name
                }
            }
        }
        return issues
    }
}
