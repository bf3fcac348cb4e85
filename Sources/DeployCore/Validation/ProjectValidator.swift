/// Checks what the schema cannot: references between deployments, flows, parameters,
/// schedules, ports, secrets and hosts. Returns every issue, in config order.
public struct ProjectValidator {
    public let effective: EffectiveConfig
    public let flows: [Flow]
    public let secrets: SecretStore

    public init(effective: EffectiveConfig, flows: [Flow], secrets: SecretStore) {
        self.effective = effective
        self.flows = flows
        self.secrets = secrets
    }

    public func validate() -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        var ports: [PlacedPort: String] = [:]
        for deployment in effective.config.deployments {
            let path = "deployments.\(deployment.name)"
            issues += shape(deployment, path: path)
            if let reference = deployment.flow {
                issues += flowChecks(deployment, reference: reference, path: path)
                if let env = effective.environment, let spec = effective.config.environment(env), spec.target == .local,
                   deployment.kind == .python, spec.prefectAPIURL == nil {
                    issues.append(ConfigIssue(.missingKey, at: effective.keyLocation(path + ".flow"), path: "environments.\(env).prefect.api_url",
                                              message: "flow deployment '\(deployment.name)' in the local environment '\(env)' is served with `prefect flow serve`, which needs a Prefect API",
                                              hint: "set environments.\(env).prefect.api_url, or remove the deployment here with `\(deployment.name): null` in the overlay"))
                }
            }
            if let schedule = deployment.schedule {
                issues += ScheduleRules.check(schedule, path: path + ".schedule", location: effective.location)
            }
            issues += placementChecks(deployment, path: path)
            if let port = deployment.port {
                issues += portClashes(deployment, port: port, path: path, taken: &ports)
            }
            issues += secretChecks(deployment, path: path)
            issues += prefectTargetChecks(deployment, path: path)
        }
        issues += prefectEnvironmentChecks()
        issues += prefectFieldChecks()
        issues += fieldSyntaxChecks()
        issues += hostEnvironmentChecks()
        issues += rolloutChecks()
        issues += swarmChecks()
        issues += secretPlacementChecks()
        issues += hookChecks()
        return issues
    }

    func shape(_ deployment: DeploymentSpec, path: String) -> [ConfigIssue] {
        let location = effective.keyLocation(path)
        switch (deployment.flow, deployment.command) {
        case (nil, nil):
            return [ConfigIssue(.missingKey, at: location, path: path,
                                message: "deployment '\(deployment.name)' has neither `flow:` nor `command:`",
                                hint: "set `flow:` (a flow name or file:function) for a flow, or `command:` (an argv list) for a service")]
        case (.some, .some):
            return [ConfigIssue(.conflictingKeys, at: location, path: path,
                                message: "deployment '\(deployment.name)' has both `flow:` and `command:`",
                                hint: "a deployment is either a flow deployment or a service; split it in two")]
        case (nil, .some(let command)) where command.isEmpty:
            return [ConfigIssue(.invalidValue, at: effective.location(path + ".command"), path: path + ".command",
                                message: "command is an empty list", hint: "write the argv, e.g. [python3, services/api.py]")]
        case (nil, .some) where deployment.health != nil && deployment.port == nil:
            return [ConfigIssue(.missingKey, at: effective.keyLocation(path + ".health"), path: path + ".port",
                                message: "a health check needs the service's `port:`", hint: "add `port:` to the deployment")]
        default:
            return []
        }
    }

    func flowChecks(_ deployment: DeploymentSpec, reference: String, path: String) -> [ConfigIssue] {
        let flow: Flow
        switch FlowReference.match(reference, in: flows) {
        case .found(let found):
            flow = found
        case .ambiguous(let candidates):
            return [ConfigIssue(.ambiguousFlow, at: effective.location(path + ".flow"), path: path + ".flow",
                                message: "flow '\(reference)' is ambiguous: \(candidates.count) discovered flows match it: \(FlowReference.listing(candidates))",
                                hint: FlowReference.pickHint(candidates))]
        case .missing:
            let candidates = reference.contains(":") ? flows.map(\.entrypoint) : flows.map(\.name)
            let suggestion = Suggestion.closest(to: reference, in: candidates).map { "did you mean '\($0)'? " } ?? ""
            return [ConfigIssue(.unknownFlow, at: effective.location(path + ".flow"), path: path + ".flow",
                                message: "no discovered flow is named '\(reference)'",
                                hint: "\(suggestion)run `crank discover` to list flows (names, or entrypoints file:function)")]
        }
        var issues: [ConfigIssue] = []
        let acceptsAnyKeyword = flow.parameters.contains { $0.kind == .varKeyword }
        let names = flow.parameters.filter { $0.kind != .varPositional && $0.kind != .varKeyword && $0.kind != .positionalOnly }.map(\.name)
        for (name, value) in deployment.parameters.sorted(by: { $0.key < $1.key }) {
            let parameterPath = path + ".parameters." + name
            guard let parameter = flow.parameters.first(where: { $0.name == name && names.contains($0.name) }) else {
                if acceptsAnyKeyword { continue }
                let suggestion = Suggestion.closest(to: name, in: names).map { "did you mean '\($0)'? " } ?? ""
                issues.append(ConfigIssue(.unknownParameter, at: effective.keyLocation(parameterPath), path: parameterPath,
                                          message: "flow '\(flow.name)' (\(flow.entrypoint)) has no parameter '\(name)'",
                                          hint: "\(suggestion)its parameters: \(names.isEmpty ? "none" : names.joined(separator: ", "))"))
                continue
            }
            if let annotation = parameter.annotation, let expected = AnnotationCheck.mismatch(value, annotation: annotation) {
                issues.append(ConfigIssue(.parameterType, at: effective.location(parameterPath), path: parameterPath,
                                          message: "parameter '\(name)' is annotated `\(annotation)` but the value is \(expected)",
                                          hint: "give a value of type \(annotation)"))
            }
        }
        for parameter in flow.parameters where parameter.required && deployment.parameters[parameter.name] == nil {
            issues.append(ConfigIssue(.missingParameter, at: effective.keyLocation(path + ".flow"), path: path + ".parameters." + parameter.name,
                                      message: "flow '\(flow.name)' requires parameter '\(parameter.name)' and the deployment does not set it",
                                      hint: "add `parameters: {\(parameter.name): …}` to the deployment"))
        }
        return issues
    }

    func secretChecks(_ deployment: DeploymentSpec, path: String) -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        for (index, name) in deployment.secrets.enumerated() {
            let secretPath = "\(path).secrets[\(index)]"
            let location = effective.tree["deployments"]?[deployment.name]?["secrets"].flatMap { node -> SourceLocation? in
                if case .sequence(let items) = node.value, index < items.count { return items[index].location }
                return node.location
            }
            guard TextRules.isEnvironmentName(name) else {
                issues.append(ConfigIssue(.invalidName, at: location, path: secretPath,
                                          message: "secret name '\(name)' is not an environment variable name",
                                          hint: "use letters, digits and '_' (e.g. MODEL_API_TOKEN)"))
                continue
            }
            if secrets.value(name) == nil {
                let file = SecretStore.file(for: effective.environment ?? "ENV")
                issues.append(ConfigIssue(.missingSecret, at: location, path: secretPath,
                                          message: "secret \(name) has no value",
                                          hint: "export \(name)=… or add `\(name)=…` to \(file) (git-ignored)"))
            }
        }
        return issues
    }
}
