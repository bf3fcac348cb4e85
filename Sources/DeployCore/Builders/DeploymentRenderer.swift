/// Resolves each deployment of the effective config into a `RenderedDeployment`.
public struct DeploymentRenderer {
    public enum Failure: Error, Equatable {
        case unknownFlow(deployment: String, reference: String)
        /// Several discovered flows match the reference (their entrypoints).
        case ambiguousFlow(deployment: String, reference: String, candidates: [String])
        case invalidImage(deployment: String, reference: String, reason: String)
        /// A secret's value would be written into `field` (its config name) in plain text.
        case secretInField(deployment: String, field: String, secret: String)
    }

    public let inputs: BuildInputs

    public init(inputs: BuildInputs) {
        self.inputs = inputs
    }

    public func render() throws(Failure) -> [RenderedDeployment] {
        var rendered: [RenderedDeployment] = []
        for deployment in inputs.effective.config.deployments {
            rendered.append(try render(deployment))
        }
        return rendered
    }

    func render(_ deployment: DeploymentSpec) throws(Failure) -> RenderedDeployment {
        let rendered = try spec(deployment)
        try SecretPlacement.check(rendered, redactor: inputs.redactor)
        return rendered
    }

    func spec(_ deployment: DeploymentSpec) throws(Failure) -> RenderedDeployment {
        let target = inputs.environment?.target ?? .local
        var spec: [String: JSONValue] = [
            "version": .string(inputs.revision.tag),
            "secrets": .array(deployment.secrets.map(JSONValue.string)),
            "secret_fingerprints": .object(Dictionary(uniqueKeysWithValues: deployment.secrets.map {
                ($0, JSONValue.string(inputs.fingerprint.fingerprint(inputs.secrets.value($0))))
            })),
            "description": deployment.description.map(JSONValue.string) ?? .null,
        ]
        if let environment = inputs.environment, environment.hasHosts {
            spec["hosts"] = .array(environment.hosts(for: deployment).map(Self.host))  // absent without hosts: hashes stay as they were
        }
        if deployment.kind == .container {
            spec["image"] = .string(try ImageReference.forDeployment(deployment.name, inputs: inputs))
            spec["base_image"] = .string(try ImageReference.validatedBase(for: deployment.name, inputs: inputs))
        }
        if let reference = deployment.flow {
            let flow: Flow
            switch FlowReference.match(reference, in: inputs.flows) {
            case .found(let found): flow = found
            case .ambiguous(let candidates):
                throw .ambiguousFlow(deployment: deployment.name, reference: reference, candidates: candidates.map(\.entrypoint))
            case .missing: throw .unknownFlow(deployment: deployment.name, reference: reference)
            }
            spec["flow_name"] = .string(flow.name)
            spec["entrypoint"] = .string(flow.entrypoint)
            spec["parameters"] = .object(deployment.parameters)
            spec["schedule"] = deployment.schedule.map(Self.schedule) ?? .null
            spec["tags"] = .array((deployment.tags + PrefectNames.tags(project: inputs.project, environment: inputs.environmentName)).map(JSONValue.string))
            let pool = deployment.workPool ?? inputs.environment?.prefectWorkPool
            spec["work_pool"] = pool.map(JSONValue.string) ?? .null
            // Set only when written, so the specs (and hashes) of other deployments stay as they were.
            if let name = deployment.prefect.name { spec["deployment_name"] = .string(name) }
            if let version = deployment.prefect.version { spec["prefect_version"] = .string(version) }
            if target == .prefect {
                PrefectRendering.add(deployment, flow: flow, inputs: inputs, to: &spec)
            }
            if target == .local, deployment.kind == .python, let api = inputs.environment?.prefectAPIURL {
                // A local environment serves the flow with Prefect (`prefect flow serve`), supervised like a worker.
                let interpreter = inputs.effective.config.python.interpreter
                let python = interpreter.contains("/") ? PathResolver.absolute(interpreter, from: inputs.effective.root) : interpreter
                spec["argv"] = .array([python, "-m", "prefect", "flow", "serve", flow.entrypoint, "--name", deployment.prefect.name ?? deployment.name].map(JSONValue.string))
                var env = inputs.environment?.env ?? [:]
                env.merge(deployment.env) { _, own in own }
                env["PREFECT_API_URL"] = api
                spec["env"] = .object(env.mapValues { .string(inputs.redactor.redact($0)) })
                spec["port"] = .null
                spec["health"] = .null
            }
            return RenderedDeployment(name: deployment.name, kind: deployment.kind, role: .flow, target: target, spec: spec)
        }
        let redactor = inputs.redactor
        var env = inputs.environment?.env ?? [:]
        env.merge(deployment.env) { _, own in own }
        spec["argv"] = .array((deployment.command ?? []).map(JSONValue.string))  // a secret here stops the render
        spec["env"] = .object(env.mapValues { .string(redactor.redact($0)) })
        spec["port"] = deployment.port.map(JSONValue.int) ?? .null
        spec["health"] = deployment.health.map(Self.health) ?? .null
        if let reload = deployment.reload { spec["reload"] = reload.json }  // absent without: hashes stay as they were
        if deployment.kind == .container {
            spec["restart"] = .string(deployment.restart.rawValue)
            var limits: [String: JSONValue] = [:]
            if let cpus = deployment.resources.cpus { limits["cpus"] = .string(cpus) }
            if let memory = deployment.resources.memory { limits["memory"] = .string(memory) }
            if !limits.isEmpty { spec["resources"] = .object(limits) }
        }
        if target == .swarm, let swarm = inputs.environment?.swarm {
            // Absent for other targets: their specs (and hashes) stay as they were.
            spec["replicas"] = .int(deployment.replicas ?? 1)
            spec["publish"] = deployment.port == nil ? .null : .string((deployment.publish ?? swarm.publish).rawValue)
            spec["update"] = .object(["parallelism": .int(swarm.update.parallelism), "delay": .string(ConfigDuration.text(swarm.update.delay)),
                                      "order": .string(swarm.update.order.rawValue), "monitor": .string(ConfigDuration.text(swarm.update.monitor))])
        }
        return RenderedDeployment(name: deployment.name, kind: deployment.kind, role: .service, target: target, spec: spec)
    }

    static func health(_ check: HealthCheck) -> JSONValue {
        var object: [String: JSONValue] = ["kind": .string(check.kind), "path": .string(check.path), "timeout": .int(check.timeout)]
        if let status = check.status { object["status"] = .int(status) }
        if let contains = check.contains { object["contains"] = .string(contains) }
        if let exec = check.exec { object["exec"] = .array(exec.map(JSONValue.string)) }
        if check.samples > 1 { object["samples"] = .int(check.samples) }
        if let p95 = check.p95Milliseconds { object["p95_ms"] = .int(p95) }
        return .object(object)
    }

    static func host(_ host: HostSpec) -> JSONValue {
        var object: [String: JSONValue] = ["name": .string(host.name), "address": .string(host.address), "root": .string(host.root)]
        if let port = host.port { object["port"] = .int(port) }
        if let user = host.user { object["user"] = .string(user) }
        return .object(object)
    }

    static func schedule(_ schedule: Schedule) -> JSONValue {
        var object: [String: JSONValue] = [:]
        if let cron = schedule.cron { object["cron"] = .string(cron) }
        if let interval = schedule.interval { object["interval"] = .int(interval) }
        object["timezone"] = schedule.timezone.map(JSONValue.string) ?? .null
        return .object(object)
    }
}

/// Image references: `REGISTRY/PROJECT-DEPLOYMENT:TAG`, and checks of base images.
public enum ImageReference {
    public static let defaultBase = "docker.io/library/python:3.11-slim"

    static func forDeployment(_ name: String, inputs: BuildInputs) throws(DeploymentRenderer.Failure) -> String {
        let registry = inputs.environment?.registry ?? ""
        let repository = (registry.isEmpty ? "localhost" : registry) + "/" + inputs.project + "-" + name
        let reference = repository.lowercased() + ":" + inputs.revision.tag
        if let problem = problem(in: reference) { throw .invalidImage(deployment: name, reference: reference, reason: problem) }
        return reference
    }

    static func validatedBase(for name: String, inputs: BuildInputs) throws(DeploymentRenderer.Failure) -> String {
        let base = inputs.environment?.baseImage ?? defaultBase
        if let problem = problem(in: base) { throw .invalidImage(deployment: name, reference: base, reason: problem) }
        return base
    }

    /// Why `reference` is not a valid `[registry/]name[:tag][@digest]`, or nil.
    public static func problem(in reference: String) -> String? {
        guard !reference.isEmpty, reference.count <= 255 else { return "it is empty or longer than 255 characters" }
        if reference.contains(where: { $0.isWhitespace }) { return "it contains whitespace" }
        var rest = Substring(reference)
        if let at = rest.firstIndex(of: "@") {
            let digest = rest[rest.index(after: at)...]
            guard digest.hasPrefix("sha256:"), digest.count == 71, digest.dropFirst(7).allSatisfy(\.isHexDigit) else {
                return "the digest is not sha256:<64 hex digits>"
            }
            rest = rest[..<at]
        }
        let lastSlash = rest.lastIndex(of: "/")
        if let colon = rest.lastIndex(of: ":"), lastSlash.map({ colon > $0 }) ?? true {
            let tag = rest[rest.index(after: colon)...]
            guard !tag.isEmpty, tag.count <= 128, tag.first.map({ $0.isLetter || $0.isNumber || $0 == "_" }) == true,
                  tag.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }) else {
                return "the tag '\(tag)' is not valid (letters, digits, _ . -, at most 128)"
            }
            rest = rest[..<colon]
        }
        let components = rest.split(separator: "/", omittingEmptySubsequences: false)
        for (index, component) in components.enumerated() {
            let isRegistry = index == 0 && components.count > 1 && (component.contains(".") || component.contains(":") || component == "localhost")
            if isRegistry {
                // host[:port]: letters, digits, . and -, then digits.
                let parts = component.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts[0].first.map({ $0.isASCII && ($0.isLetter || $0.isNumber) }) == true,
                      parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || ".-".contains($0)) }),
                      parts.count == 1 || (!parts[1].isEmpty && parts[1].allSatisfy { $0.isASCII && $0.isNumber }) else {
                    return "'\(component)' is not a registry host[:port]"
                }
                continue
            }
            guard !component.isEmpty,
                  component.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || "._-".contains($0)) }),
                  component.first.map({ $0.isLowercase || $0.isNumber }) == true else {
                return "'\(component)' is not a valid repository path component (lowercase letters, digits, . _ -)"
            }
        }
        return nil
    }
}
