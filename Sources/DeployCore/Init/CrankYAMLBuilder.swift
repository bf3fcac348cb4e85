/// The text of a starter `crank.yaml` (`crank init`): one deployment per discovered flow, or
/// one per deployment of imported prefect.yaml files, an environment that validates as
/// written, and commented examples of the other targets. Pure: the CLI writes the result.
public enum CrankYAMLBuilder {
    public static let fileName = "crank.yaml"
    static let defaultAPIURL = "${PREFECT_API_URL:-http://127.0.0.1:4200/api}"
    /// The environment imported deployments are registered in.
    public static let importedEnvironment = "prod"

    /// One deployment per flow and a `dev` environment on this machine (`prefect flow serve`).
    public static func starter(project: String, flows: [Flow], python: PythonSettings) -> String {
        var names = ConfigKeyNames()
        var lines = header("written by `crank init` from the flows `crank discover` found (\(flows.count)).") + ["project: \(scalar(.string(project)))"]
        lines += pythonLines(python) + [""]
        lines.append(flows.isEmpty ? "deployments:  # no flows found; add one per flow (see the example below)" : "deployments:")
        for flow in flows {
            lines.append("  \(key(names.claim([flow.name, flow.function]))):")
            lines.append("    flow: \(scalar(.string(flow.entrypoint)))")
            let required = flow.parameters.filter { $0.required && $0.kind != .varPositional && $0.kind != .varKeyword }
            if !required.isEmpty {
                lines.append("    parameters:  # required by the flow: replace these placeholders")
                for parameter in required { lines.append("      \(key(parameter.name)): \(scalar(placeholder(parameter.annotation)))") }
            }
            lines.append("    # schedule: {cron: \"0 6 * * *\", timezone: UTC}   # or {interval: 3600}")
        }
        lines += serviceExample + ["", "environments:", "  dev:  # this machine: each flow served by `prefect flow serve`, supervised by crank",
                                   "    target: local", "    prefect:", "      api_url: \(scalar(.string(defaultAPIURL)))"]
        lines += targetExamples(skipping: .local)
        return lines.joined(separator: "\n") + "\n"
    }

    /// The deployments of imported prefect.yaml files, registered in a `prefect` environment.
    public static func imported(project: String, deployments: [ImportedDeployment], flows: [Flow], sources: [String],
                                python: PythonSettings) -> String {
        var names = ConfigKeyNames()
        let nameCounts = Dictionary(deployments.map { ($0.name, 1) }, uniquingKeysWith: +)
        var lines = header("written by `crank init --from \(sources.joined(separator: " --from "))` (\(deployments.count) deployment\(deployments.count == 1 ? "" : "s")).")
        lines += ["project: \(scalar(.string(project)))"] + pythonLines(python) + ["", "deployments:"]
        for deployment in deployments {
            let flowName = FlowReference.resolve(deployment.entrypoint, in: flows)?.name
                ?? String(deployment.entrypoint.split(separator: ":").last ?? "flow").replacingOccurrences(of: "_", with: "-")
            // The Prefect name alone when it is unique and a valid key; else flow + name.
            let candidates = nameCounts[deployment.name, default: 0] > 1 ? [flowName + "-" + deployment.name] : [deployment.name, flowName + "-" + deployment.name]
            let configKey = names.claim(candidates)
            lines.append("  \(key(configKey)):")
            lines.append("    flow: \(scalar(.string(deployment.entrypoint)))")
            if configKey != deployment.name { lines.append("    name: \(scalar(.string(deployment.name)))") }
            lines += entries(deployment)
        }
        lines += ["", "environments:", "  \(importedEnvironment):  # the Prefect server the deployments were registered with",
                  "    target: prefect", "    prefect:", "      api_url: \(scalar(.string(defaultAPIURL)))"]
        lines += targetExamples(skipping: .prefect)
        return lines.joined(separator: "\n") + "\n"
    }

    static func entries(_ deployment: ImportedDeployment) -> [String] {
        var lines: [String] = []
        func add(_ name: String, _ value: JSONValue?) {
            guard let value else { return }
            lines += block(name, value, indent: 2)
        }
        add("description", deployment.description.map(JSONValue.string))
        add("version", deployment.version.map(JSONValue.string))
        add("parameters", deployment.parameters.isEmpty ? nil : .object(deployment.parameters))
        if let schedule = deployment.schedule { add("schedule", DeploymentRenderer.schedule(schedule).withoutNulls) }
        add("tags", deployment.tags.isEmpty ? nil : .array(deployment.tags.map(JSONValue.string)))
        add("work_pool", deployment.workPool.map(JSONValue.string))
        add("work_queue", deployment.workQueue.map(JSONValue.string))
        add("job_variables", deployment.jobVariables.isEmpty ? nil : .object(deployment.jobVariables))
        add("working_directory", deployment.workingDirectory.map(JSONValue.string))
        add("pull", deployment.pullSteps.map(JSONValue.array))
        return lines
    }

    /// The project's interpreter and requirements when it has them (`.venv/bin/python`,
    /// `requirements.txt`), else a commented example.
    static func pythonLines(_ python: PythonSettings) -> [String] {
        guard python.interpreter != PythonSettings().interpreter || python.requirements != nil else {
            return ["# python: {interpreter: .venv/bin/python, requirements: requirements.txt}   # default: python3 on PATH"]
        }
        var lines = ["python:"]
        if python.interpreter != PythonSettings().interpreter { lines.append("  interpreter: \(scalar(.string(python.interpreter)))") }
        if let requirements = python.requirements { lines.append("  requirements: \(scalar(.string(requirements)))") }
        return lines
    }

    static func header(_ what: String) -> [String] {
        ["# crank.yaml — \(what)", "# Every key is described in the Configuration reference of crank's README.",
         "# Check it with `crank validate`; see what a deploy would register with `crank build --env ENV`.", ""]
    }

    static let serviceExample = [
        "  # A Python service or worker, supervised by crank (`kind: container` runs it in an image):",
        "  # api:",
        "  #   command: [python3, services/api.py]",
        "  #   port: 8080",
        "  #   health: {path: /health}",
    ]

    static func targetExamples(skipping: TargetKind) -> [String] {
        var lines: [String] = []
        if skipping != .local {
            lines += ["  # This machine: flows served by `prefect flow serve`, services as supervised processes:",
                      "  # dev:", "  #   target: local", "  #   prefect: {api_url: \"http://127.0.0.1:4200/api\"}"]
        }
        if skipping != .prefect {
            lines += ["  # A Prefect server: flows registered over its REST API, run by a worker of the pool:",
                      "  # staging:", "  #   target: prefect", "  #   prefect:", "  #     api_url: \"${PREFECT_API_URL:-http://127.0.0.1:4200/api}\"", "  #     work_pool: my-pool"]
        }
        lines += ["  # Services as containers on this machine (podman or docker), switched blue-green:",
                  "  # containers:", "  #   target: container", "  #   container: {engine: podman, strategy: blue-green}",
                  "  # Services on other machines over ssh (processes; `target: container` for containers):",
                  "  # remote:", "  #   target: local", "  #   hosts:", "  #     web-1: {address: 10.0.0.11, user: deploy}",
                  "  #   roles: {web: [web-1]}", "  #   ssh: {identity_file: ~/.ssh/id_ed25519}"]
        return lines
    }

    /// A value for a required parameter, of its annotation's type where it is a simple one.
    static func placeholder(_ annotation: String?) -> JSONValue {
        switch annotation?.trimmingCharacters(in: .whitespaces) {
        case "int": return .int(0)
        case "float": return .double(0)
        case "bool": return .bool(false)
        case "list", "List", "tuple", "Sequence": return .array([])
        case "dict", "Dict", "Mapping": return .object([:])
        default: return .string("")
        }
    }
}
