/// Reads one prefect.yaml deployment entry, collecting issues with their key paths.
struct PrefectYAMLReader {
    static let deploymentKeys = [
        "name", "version", "tags", "description", "entrypoint", "flow_name", "parameters", "work_pool", "schedules", "schedule",
        "pull", "build", "push", "enforce_parameter_schema", "concurrency_limit", "triggers", "paused", "parameter_openapi_schema",
    ]
    static let workPoolKeys = ["name", "work_queue_name", "job_variables"]
    static let scheduleKeys = ["cron", "interval", "rrule", "timezone", "active", "anchor_date", "day_or", "parameters", "slug", "max_active_runs", "catchup", "replaces"]

    let file: String
    let directory: String
    var issues: [ConfigIssue] = []

    mutating func error(_ node: ConfigNode, _ path: String, _ message: String, hint: String?) {
        issues.append(ConfigIssue(.invalidValue, at: node.location, path: path, message: message, hint: hint))
    }

    mutating func warning(_ node: ConfigNode, _ path: String, _ message: String, hint: String?) {
        issues.append(ConfigIssue(.invalidValue, at: node.location, path: path, message: message, hint: hint, severity: .warning))
    }

    mutating func unknownKeys(_ entries: [ConfigNode.Entry], allowed: [String], path: String) {
        for entry in entries where !allowed.contains(entry.key) {
            let suggestion = Suggestion.closest(to: entry.key, in: allowed).map { "did you mean '\($0)'? " } ?? ""
            issues.append(ConfigIssue(.unknownKey, at: entry.keyLocation, path: ConfigReader.join(path, entry.key),
                                      message: "crank does not know the prefect.yaml key '\(entry.key)'",
                                      hint: "\(suggestion)keys crank imports here: \(allowed.joined(separator: ", "))"))
        }
    }

    func string(_ node: ConfigNode?) -> String? {
        guard let node, case .scalar(let text, _) = node.value else { return nil }
        return text
    }

    /// A string field: present but not a scalar is an error.
    mutating func text(_ node: ConfigNode?, _ path: String) -> String? {
        guard let node, node.value != .null else { return nil }
        guard let text = string(node) else { error(node, path, "\(path): should be a string (got \(node.typeName))", hint: nil); return nil }
        noStepOutputs(node, path: path)
        return PrefectTemplateText.crankText(text, translate: true)
    }

    /// `{{ step.output }}` outside pull steps refers to a build step crank does not run.
    mutating func noStepOutputs(_ node: ConfigNode, path: String) {
        switch node.value {
        case .scalar(let text, .string):
            for case .stepOutput(let name) in PrefectTemplateText.placeholders(in: text) {
                error(node, path, "\(path): '{{ \(name) }}' is the output of a build step, and crank runs no Prefect build steps",
                      hint: "write the value itself (for an image crank builds, use `kind: container`)")
            }
        case .sequence(let items): for (index, item) in items.enumerated() { noStepOutputs(item, path: "\(path)[\(index)]") }
        case .mapping(let entries): for entry in entries { noStepOutputs(entry.value, path: ConfigReader.join(path, entry.key)) }
        default: break
        }
    }

    mutating func deployment(_ node: ConfigNode, path: String, sharedPull: [JSONValue]?) -> ImportedDeployment? {
        guard let entries = node.entries else { error(node, path, "\(path): should be a map (got \(node.typeName))", hint: nil); return nil }
        unknownKeys(entries, allowed: Self.deploymentKeys, path: path)
        let key = { (name: String) in ConfigReader.join(path, name) }
        guard let name = text(node["name"], key("name")) else {
            issues.append(ConfigIssue(.missingKey, at: node.location, path: key("name"), message: "\(path) has no name", hint: "every Prefect deployment has a `name:`"))
            return nil
        }
        guard let rawEntrypoint = text(node["entrypoint"], key("entrypoint")) else {
            issues.append(ConfigIssue(.missingKey, at: node.location, path: key("entrypoint"), message: "deployment '\(name)' has no entrypoint",
                                      hint: "add `entrypoint: path/to/file.py:flow_function` (crank needs to know which flow it deploys)"))
            return nil
        }
        var deployment = ImportedDeployment(name: name, entrypoint: Self.rootRelative(rawEntrypoint, directory: directory), location: node.location)
        if !rawEntrypoint.contains(".py:") {
            warning(node["entrypoint"]!, key("entrypoint"), "entrypoint '\(rawEntrypoint)' is not `file.py:function`; crank finds flows by file",
                    hint: "write it as path/to/file.py:function")
        }
        deployment.description = text(node["description"], key("description"))
        deployment.version = text(node["version"], key("version"))
        if let tags = node["tags"], tags.value != .null {
            if case .sequence(let items) = tags.value {
                deployment.tags = items.enumerated().compactMap { text($0.element, "\(key("tags"))[\($0.offset)]") }
            } else {
                error(tags, key("tags"), "\(key("tags")): should be a list of strings", hint: nil)
            }
        }
        if let parameters = node["parameters"], parameters.value != .null {
            noStepOutputs(parameters, path: key("parameters"))
            if case .object(let object) = parameters.json { deployment.parameters = object.mapValues { PrefectTemplateText.crankValue($0, translate: true) } }
            else { error(parameters, key("parameters"), "\(key("parameters")): should be a map", hint: nil) }
        }
        workPool(node["work_pool"], path: key("work_pool"), into: &deployment)
        if deployment.workPool == nil {
            warning(node, key("work_pool.name"), "deployment '\(name)' names no work pool (prefect deploy would ask for one)",
                    hint: "set work_pool: on the crank deployment or environments.<env>.prefect.work_pool")
        }
        deployment.schedule = schedule(node, path: path)
        let pull = node["pull"].flatMap { $0.value == .null ? nil : pullSteps($0, path: key("pull"), translate: true) } ?? sharedPull
        placePull(pull, node: node, path: path, into: &deployment)
        defaults(node, path: path, deployment: deployment)
        return deployment
    }

    mutating func workPool(_ node: ConfigNode?, path: String, into deployment: inout ImportedDeployment) {
        guard let node, node.value != .null else { return }
        guard let entries = node.entries else { error(node, path, "\(path): should be a map", hint: nil); return }
        unknownKeys(entries, allowed: Self.workPoolKeys, path: path)
        deployment.workPool = text(node["name"], path + ".name")
        deployment.workQueue = text(node["work_queue_name"], path + ".work_queue_name")
        if let variables = node["job_variables"], variables.value != .null {
            noStepOutputs(variables, path: path + ".job_variables")
            if case .object(let object) = variables.json { deployment.jobVariables = object.mapValues { PrefectTemplateText.crankValue($0, translate: true) } }
            else { error(variables, path + ".job_variables", "\(path).job_variables: should be a map", hint: nil) }
        }
    }

    /// `entrypoint` relative to the prefect.yaml's directory → relative to the project root.
    static func rootRelative(_ entrypoint: String, directory: String) -> String {
        guard !directory.isEmpty, !entrypoint.hasPrefix("/") else { return entrypoint }
        var parts = directory.split(separator: "/").map(String.init)
        var rest = Substring(entrypoint)
        while rest.hasPrefix("./") || rest.hasPrefix("../") {
            if rest.hasPrefix("./") { rest = rest.dropFirst(2) } else { rest = rest.dropFirst(3); _ = parts.popLast() }
        }
        return (parts + [String(rest)]).joined(separator: "/")
    }
}
