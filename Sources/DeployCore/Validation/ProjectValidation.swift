/// What `crank validate` reports: every issue of every checked environment.
public struct ValidationReport: Equatable, Sendable, Encodable {
    public var root: String
    /// The environments checked (all known ones when none was named).
    public var environments: [String]
    public var issues: [ConfigIssue]

    public var hasErrors: Bool { issues.contains { $0.severity == .error } }
}

/// Whether a secret without a value here is an error. `crank validate` checks the config, which
/// can be right on a machine that does not hold the secrets (a laptop, a pull-request job), so
/// there it is a warning unless `--require-secrets`; build, plan and deploy need the values.
public enum SecretValuePolicy: Sendable {
    case required, optional
}

/// load → overlay → discover → check, for one environment or all of them.
public enum ProjectValidation {
    public static func run(root: String, environment: String?, processEnvironment: [String: String],
                           secretValues: SecretValuePolicy = .required) -> ValidationReport {
        let loader = ConfigLoader(root: root, processEnvironment: processEnvironment)
        var environments: [String?] = [environment]
        if environment == nil {
            let (base, _) = loader.load(environment: nil)
            let known = base?.config.environments.map(\.name) ?? []
            environments = known.isEmpty ? [nil] : known
        }
        var issues: [ConfigIssue] = []
        var seen: Set<ConfigIssue> = []
        for name in environments {
            for issue in check(loader: loader, environment: name) where seen.insert(issue).inserted {
                issues.append(secretValues == .optional ? deferred(issue) : issue)
            }
        }
        return ValidationReport(root: root, environments: environments.compactMap { $0 }, issues: issues)
    }

    /// A missing secret value reported as a warning that says who will need it.
    static func deferred(_ issue: ConfigIssue) -> ConfigIssue {
        guard issue.code == .missingSecret, issue.severity == .error else { return issue }
        var warning = issue
        warning.severity = .warning
        warning.message += " here (build, plan and deploy will need it; `crank validate --require-secrets` makes this an error)"
        return warning
    }

    static func check(loader: ConfigLoader, environment: String?) -> [ConfigIssue] {
        let (effective, loadIssues) = loader.load(environment: environment)
        guard let effective else { return loadIssues }
        let discovery = FlowDiscovery.discover(for: effective)
        let relevant = discovery.diagnostics.filter { isRelevant($0, flows: discovery.flows, deployments: effective.config.deployments) }
        let discoveryIssues = relevant.map { diagnostic in
            ConfigIssue(.flowFile, at: SourceLocation(file: diagnostic.file, line: diagnostic.line ?? 1, column: 1), path: "",
                        message: "\(diagnostic.message) [\(diagnostic.code.rawValue)]", hint: diagnostic.hint,
                        severity: diagnostic.severity == .error ? .error : .warning)
        }
        let secrets = environment.map { SecretStore.load(root: loader.root, environment: $0, processEnvironment: loader.processEnvironment) }
            ?? SecretStore(values: loader.processEnvironment)
        let validator = ProjectValidator(effective: effective, flows: discovery.flows, secrets: secrets)
        let issues = loadIssues + discoveryIssues + (secrets.fileIssue.map { [$0] } ?? []) + validator.validate()
        if issues.contains(where: { $0.code == .missingSecret }) {
            // The hint offers .crank/secrets/<env>.env as git-ignored: make it so before the user writes it.
            try? CrankDirectory.ensure(projectRoot: loader.root)
        }
        return issues
    }

    /// A duplicate flow name matters only for a flow a deployment references by entrypoint
    /// (its Prefect flow name collides with the other's); one referenced by the shared name is an
    /// `ambiguous-flow` error instead, and duplicates no deployment uses are not the project's concern.
    static func isRelevant(_ diagnostic: Diagnostic, flows: [Flow], deployments: [DeploymentSpec]) -> Bool {
        guard diagnostic.code == .duplicateName else { return true }
        guard let flow = flows.first(where: { $0.file == diagnostic.file && $0.line == diagnostic.line }) else { return true }
        let shared = flows.filter { $0.name == flow.name }.map(\.entrypoint)
        return deployments.contains { deployment in
            guard let reference = deployment.flow, reference.contains(":") else { return false }
            return shared.contains(reference)
        }
    }
}
