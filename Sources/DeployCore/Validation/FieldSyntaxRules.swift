/// Every string that reaches generated text is checked against its `TextRules` rule, so a
/// newline cannot add a `RUN` line to a Containerfile or a variable to an env-file.
extension ProjectValidator {
    static let prefectNameRule = "a Prefect name: no control characters and none of / % & > <"
    static let programRule = "a program name or path: no control characters, not starting with -"

    func fieldSyntaxChecks() -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        let python = effective.config.python
        if let requirements = python.requirements, !TextRules.isProjectPath(requirements) {
            issues.append(invalid(["python", "requirements"], requirements, rule: "a path inside the project of letters, digits and . _ / - (no leading / or -, no ..): a Containerfile RUN line holds it"))
        }
        if !TextRules.isProgram(python.interpreter) {
            issues.append(invalid(["python", "interpreter"], python.interpreter, rule: Self.programRule))
        }
        for deployment in effective.config.deployments {
            let keys = ["deployments", deployment.name]
            issues += environmentNameChecks(deployment.env, keys: keys + ["env"])
            if let health = deployment.health, health.exec == nil, !health.tcp, !TextRules.isHTTPPath(health.path) {
                issues.append(invalid(keys + ["health", "path"], health.path, rule: "an HTTP path: / then visible characters, no spaces (e.g. /health)"))
            }
            for (index, module) in deployment.requires.python.enumerated() where !TextRules.isModuleName(module) {
                issues.append(invalid(keys + ["requires", "python", "[\(index)]"], module, rule: "a Python module name (numpy, google.cloud)"))
            }
            for (index, program) in deployment.requires.executables.enumerated() where !TextRules.isProgram(program) {
                issues.append(invalid(keys + ["requires", "executables", "[\(index)]"], program, rule: Self.programRule))
            }
            for (index, program) in deployment.requires.optionalExecutables.enumerated() where !TextRules.isProgram(program) {
                issues.append(invalid(keys + ["requires", "optional_executables", "[\(index)]"], program, rule: Self.programRule))
            }
            for (key, value) in [("work_pool", deployment.workPool), ("work_queue", deployment.workQueue)] {
                if let value, !TextRules.isPrefectName(value) {
                    issues.append(invalid(keys + [key], value, rule: Self.prefectNameRule))
                }
            }
        }
        if let name = effective.environment, let spec = effective.config.environment(name) {
            issues += environmentChecks(spec)
        }
        return issues
    }

    func environmentChecks(_ spec: EnvironmentSpec) -> [ConfigIssue] {
        let keys = ["environments", spec.name]
        var issues = environmentNameChecks(spec.env, keys: keys + ["env"])
        let container = keys + ["container"]
        if let engine = spec.containerEngine, !TextRules.isProgram(engine) {
            issues.append(invalid(container + ["engine"], engine, rule: "podman, docker, auto or a path to one (it must not read as an option)"))
        }
        if let registry = spec.registry, !registry.isEmpty, let problem = ImageReference.problem(in: registry + "/image:tag") {
            issues.append(invalid(container + ["registry"], registry, rule: "a registry host[:port][/path] (\(problem))"))
        }
        if let base = spec.baseImage, let problem = ImageReference.problem(in: base) {
            issues.append(invalid(container + ["base_image"], base, rule: "an image reference [registry/]name[:tag][@digest] (\(problem))"))
        }
        if let network = spec.containerNetwork, !network.isEmpty, !TextRules.isEngineName(network) {
            issues.append(invalid(container + ["network"], network, rule: "a network name of letters, digits and _ . -, starting with a letter or digit"))
        }
        for (key, value) in [("work_pool", spec.prefectWorkPool), ("work_queue", spec.prefectWorkQueue)] {
            if let value, !TextRules.isPrefectName(value) {
                issues.append(invalid(keys + ["prefect", key], value, rule: Self.prefectNameRule))
            }
        }
        return issues
    }

    func environmentNameChecks(_ env: [String: String], keys: [String]) -> [ConfigIssue] {
        env.keys.sorted().filter { !TextRules.isEnvironmentName($0) }.map { name in
            let path = ConfigKeys.path(keys + [TextRules.display(name)])
            return ConfigIssue(.invalidName, at: ConfigKeys.node(keys, in: effective.tree)?.entries?.first { $0.key == name }?.keyLocation, path: path,
                               message: "env var name \(TextRules.display(name)) is not an environment variable name",
                               hint: "use letters, digits and '_', not starting with a digit (e.g. LOG_LEVEL)")
        }
    }

    func invalid(_ keys: [String], _ value: String, rule: String) -> ConfigIssue {
        ConfigIssue(.invalidValue, at: ConfigKeys.node(keys, in: effective.tree)?.location, path: ConfigKeys.path(keys),
                    message: "\(ConfigKeys.path(keys)): \(TextRules.display(value)) is not allowed here", hint: "use \(rule)")
    }
}

/// Key paths as lists of keys (a list item is `[index]`): names may hold dots, so a dotted
/// string cannot be split back.
enum ConfigKeys {
    static func path(_ keys: [String]) -> String {
        keys.reduce("") { path, key in key.hasPrefix("[") || path.isEmpty ? path + key : path + "." + key }
    }

    static func node(_ keys: [String], in tree: ConfigNode) -> ConfigNode? {
        var node: ConfigNode? = tree
        for key in keys {
            if key.hasPrefix("["), let index = Int(key.dropFirst().dropLast()), case .sequence(let items)? = node?.value {
                node = index < items.count ? items[index] : nil
            } else {
                node = node?[key]
            }
        }
        return node
    }
}
