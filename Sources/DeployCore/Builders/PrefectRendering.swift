/// The fields a Prefect server keeps for a flow deployment, rendered into its spec so the
/// plan, the release record and the registration all see the same data.
enum PrefectRendering {
    /// Where a container deployment's code lives inside the image (the Containerfile's WORKDIR).
    static let containerDirectory = "/app"

    static func add(_ deployment: DeploymentSpec, flow: Flow, inputs: BuildInputs, to spec: inout [String: JSONValue]) {
        let environment = inputs.environment
        spec["work_queue"] = .string(deployment.workQueue ?? environment?.prefectWorkQueue ?? "default")
        spec["parameter_openapi_schema"] = ParameterSchema.generate(for: flow)
        spec["enforce_parameter_schema"] = .bool(true)
        if (spec["description"] ?? .null) == .null || spec["description"] == .string(""), let description = flow.description {
            // Prefect registers the flow's own description (`description=`, else its docstring) when a
            // deployment gives none; crank deploy and the prefect.yaml carry it so both register the same.
            spec["description"] = .string(description)
        }
        let directory = deployment.kind == .container ? containerDirectory : inputs.effective.root
        spec["pull_steps"] = .array(deployment.prefect.effectivePullSteps ?? [PrefectDeploymentFields.setWorkingDirectory(directory)])
        var env = (environment?.env ?? [:]).mapValues { JSONValue.string(inputs.redactor.redact($0)) }
        for (name, value) in deployment.env { env[name] = .string(inputs.redactor.redact(value)) }
        for name in deployment.secrets {
            // A reference the worker resolves at run time; the value lives in a Prefect Secret block.
            env[name] = .string("{{ prefect.blocks.secret.\(secretBlock(name, project: inputs.project, environment: inputs.environmentName)) }}")
        }
        // The deployment's own job variables first; crank's `env` (config env and secret
        // references) joins their `env` (the validator refuses a name set in both), the image wins.
        var jobVariables = deployment.prefect.jobVariables
        if case .object(let own)? = jobVariables["env"] { env.merge(own) { crank, _ in crank } }
        if !env.isEmpty { jobVariables["env"] = .object(env) }
        if let image = spec["image"] { jobVariables["image"] = image }
        spec["job_variables"] = .object(jobVariables)
        spec["smoke"] = deployment.smoke.map { .object(["parameters": .object($0.parameters), "timeout": .int($0.timeout)]) } ?? .null
    }

    /// `crank-<project>-<env>-<secret>`: Prefect block names are lowercase letters, digits and dashes.
    static func secretBlock(_ secret: String, project: String, environment: String) -> String {
        PrefectNames.slug("crank-\(project)-\(environment)-\(secret)")
    }
}

/// Names crank uses for its objects in a Prefect server (artifact keys, block and variable
/// names): lowercase letters, digits and dashes.
public enum PrefectNames {
    /// The tags crank adds to every flow deployment: how it finds its own deployments of one
    /// project and environment in a shared server.
    public static func tags(project: String, environment: String) -> [String] {
        ["crank", "crank-env:\(environment)", "crank-project:\(project)"]
    }

    public static func slug(_ text: String) -> String {
        String(text.lowercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) ? $0 : "-" })
    }
}
