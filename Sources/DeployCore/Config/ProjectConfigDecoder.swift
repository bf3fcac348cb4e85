/// Turns the merged config tree into a `ProjectConfig`, collecting every schema issue.
struct ProjectConfigDecoder {
    static let topKeys = ["project", "flows", "python", "templates", "deployments", "environments"]
    static let deploymentKeys = [
        "kind", "template", "description", "flow", "parameters", "schedule", "tags", "work_pool",
        "command", "port", "env", "health", "requires", "secrets", "work_queue", "smoke",
        "restart", "resources", "role", "hosts", "replicas", "publish", "reload", "hooks",
    ] + prefectDeploymentKeys
    static let environmentKeys = ["target", "prefect", "container", "swarm", "env", "keep_releases", "hosts", "roles", "ssh", "rollout", "hooks"]

    var reader = ConfigReader()
    /// The project root and home directory that relative and `~/` paths (ssh files) resolve against.
    var root = ""
    var home = ""
    /// The project's name, for a host's default `root`.
    var project = ""

    mutating func decode(_ tree: ConfigNode) -> ProjectConfig? {
        guard let root = reader.map(tree, path: "", keys: Self.topKeys) else { return nil }
        let projectName = reader.string(root["project"], path: "project")
        if let projectName { NameRules.check(projectName, at: root["project"]?.location, path: "project", what: "project", issues: &reader.issues) }
        if root["project"] == nil {
            reader.issues.append(ConfigIssue(.missingKey, at: tree.location, path: "project",
                                             message: "crank.yaml has no 'project' name", hint: "add `project: my-project` at the top"))
        }
        var config = ProjectConfig(project: projectName ?? "")
        project = config.project
        if let flows = root["flows"], flows.value != .null, reader.map(flows, path: "flows", keys: ["paths", "exclude", "follow_symlinks"]) != nil {
            config.flows.paths = reader.strings(flows["paths"], path: "flows.paths") ?? []
            config.flows.exclude = reader.strings(flows["exclude"], path: "flows.exclude") ?? []
            config.flows.followSymlinks = reader.bool(flows["follow_symlinks"], path: "flows.follow_symlinks") ?? false
        }
        if let python = root["python"], python.value != .null, reader.map(python, path: "python", keys: ["interpreter", "requirements"]) != nil {
            config.python.interpreter = reader.string(python["interpreter"], path: "python.interpreter") ?? "python3"
            config.python.requirements = reader.string(python["requirements"], path: "python.requirements")
        }
        for entry in reader.namedEntries(root["templates"], path: "templates", what: "template") {
            _ = deployment(entry, path: "templates." + entry.key)  // checked for schema; applied by the loader
        }
        config.deployments = reader.namedEntries(root["deployments"], path: "deployments", what: "deployment")
            .compactMap { deployment($0, path: "deployments." + $0.key) }
        config.environments = reader.namedEntries(root["environments"], path: "environments", what: "environment")
            .compactMap { environment($0) }
        return config
    }

    mutating func deployment(_ entry: ConfigNode.Entry, path: String) -> DeploymentSpec? {
        guard let node = reader.map(entry.value, path: path, keys: Self.deploymentKeys) else { return nil }
        var spec = DeploymentSpec(name: entry.key)
        let key = { (name: String) in ConfigReader.join(path, name) }
        spec.kind = reader.enumeration(node["kind"], path: key("kind"), as: DeploymentKind.self) ?? .python
        spec.template = reader.string(node["template"], path: key("template"))
        spec.description = reader.string(node["description"], path: key("description"))
        spec.flow = reader.string(node["flow"], path: key("flow"))
        if let parameters = node["parameters"], parameters.value != .null {
            if let entries = parameters.entries {
                for parameter in entries { spec.parameters[parameter.key] = parameter.value.json }
            } else {
                reader.wrongType(parameters, path: key("parameters"), expected: "a map of parameter names to values")
            }
        }
        if let schedule = node["schedule"], schedule.value != .null,
           reader.map(schedule, path: key("schedule"), keys: ["cron", "interval", "timezone"]) != nil {
            spec.schedule = Schedule(
                cron: reader.string(schedule["cron"], path: key("schedule.cron")),
                interval: reader.int(schedule["interval"], path: key("schedule.interval"), range: 1...31_622_400),
                timezone: reader.string(schedule["timezone"], path: key("schedule.timezone")))
        }
        spec.tags = reader.strings(node["tags"], path: key("tags")) ?? []
        spec.workPool = reader.string(node["work_pool"], path: key("work_pool"))
        spec.workQueue = reader.string(node["work_queue"], path: key("work_queue"))
        if let smoke = node["smoke"], smoke.value != .null,
           let smokeNode = reader.map(smoke, path: key("smoke"), keys: ["parameters", "timeout"]) {
            var check = SmokeCheck()
            if let parameters = smokeNode["parameters"], parameters.value != .null {
                if let entries = parameters.entries {
                    for parameter in entries { check.parameters[parameter.key] = parameter.value.json }
                } else {
                    reader.wrongType(parameters, path: key("smoke.parameters"), expected: "a map of parameter names to values")
                }
            }
            check.timeout = reader.int(smokeNode["timeout"], path: key("smoke.timeout"), range: 1...86_400) ?? check.timeout
            spec.smoke = check
        }
        spec.command = reader.strings(node["command"], path: key("command"))
        spec.port = reader.int(node["port"], path: key("port"), range: 1...65535)
        spec.env = reader.stringMap(node["env"], path: key("env")) ?? [:]
        if let health = node["health"], health.value != .null,
           reader.map(health, path: key("health"), keys: ["path", "timeout", "status", "contains", "tcp", "exec", "samples", "p95_ms"]) != nil {
            var check = HealthCheck(
                path: reader.string(health["path"], path: key("health.path")) ?? "/health",
                timeout: reader.int(health["timeout"], path: key("health.timeout"), range: 1...3600) ?? 30)
            check.status = reader.int(health["status"], path: key("health.status"), range: 100...599)
            check.contains = reader.string(health["contains"], path: key("health.contains"))
            check.tcp = reader.bool(health["tcp"], path: key("health.tcp")) ?? false
            check.exec = reader.strings(health["exec"], path: key("health.exec"))
            check.samples = reader.int(health["samples"], path: key("health.samples"), range: 1...1000) ?? 1
            check.p95Milliseconds = reader.int(health["p95_ms"], path: key("health.p95_ms"), range: 1...600_000)
            spec.health = check
        }
        if let requires = node["requires"], requires.value != .null,
           reader.map(requires, path: key("requires"), keys: ["python", "executables", "optional_executables", "gpu"]) != nil {
            spec.requires = Requirements(
                python: reader.strings(requires["python"], path: key("requires.python")) ?? [],
                executables: reader.strings(requires["executables"], path: key("requires.executables")) ?? [],
                optionalExecutables: reader.strings(requires["optional_executables"], path: key("requires.optional_executables")) ?? [],
                gpu: reader.bool(requires["gpu"], path: key("requires.gpu")) ?? false)
        }
        spec.secrets = reader.strings(node["secrets"], path: key("secrets")) ?? []
        if let restart = node["restart"], case .scalar(let text, .bool) = restart.value, ["no", "false", "off"].contains(text.lowercased()) {
            spec.restart = .no  // YAML reads an unquoted `no` as false
        } else {
            spec.restart = reader.enumeration(node["restart"], path: key("restart"), as: RestartPolicy.self) ?? spec.restart
        }
        if let resources = node["resources"], resources.value != .null,
           reader.map(resources, path: key("resources"), keys: ["cpus", "memory"]) != nil {
            spec.resources.cpus = reader.limit(resources["cpus"], path: key("resources.cpus"), pattern: .cpus)
            spec.resources.memory = reader.limit(resources["memory"], path: key("resources.memory"), pattern: .memory)
        }
        spec.role = reader.string(node["role"], path: key("role"))
        spec.hosts = reader.strings(node["hosts"], path: key("hosts")) ?? []
        decodeReplication(node, path: path, into: &spec)
        decodePrefectFields(node, path: path, into: &spec)
        decodeReload(node, path: path, into: &spec)
        spec.hooks = decodeHooks(node["hooks"], path: key("hooks"), deployment: entry.key)
        return spec
    }

    mutating func environment(_ entry: ConfigNode.Entry) -> EnvironmentSpec? {
        let path = "environments." + entry.key
        let node: ConfigNode
        if entry.value.value == .null {
            node = ConfigNode(.mapping([]), at: entry.keyLocation)
        } else {
            guard let mapped = reader.map(entry.value, path: path, keys: Self.environmentKeys) else { return nil }
            node = mapped
        }
        guard let target = reader.enumeration(node["target"], path: path + ".target", as: TargetKind.self) else {
            if node["target"] == nil {
                reader.issues.append(ConfigIssue(.missingKey, at: entry.keyLocation, path: path + ".target",
                                                 message: "environment '\(entry.key)' has no target",
                                                 hint: "add `target: local`, `target: prefect`, `target: container` or `target: swarm`"))
            }
            return nil
        }
        var spec = EnvironmentSpec(name: entry.key, target: target)
        if let prefect = node["prefect"], prefect.value != .null,
           reader.map(prefect, path: path + ".prefect", keys: ["api_url", "work_pool", "work_queue", "api_key_secret"]) != nil {
            spec.prefectAPIURL = reader.string(prefect["api_url"], path: path + ".prefect.api_url")
            spec.prefectWorkPool = reader.string(prefect["work_pool"], path: path + ".prefect.work_pool")
            spec.prefectWorkQueue = reader.string(prefect["work_queue"], path: path + ".prefect.work_queue")
            spec.prefectAPIKeySecret = reader.string(prefect["api_key_secret"], path: path + ".prefect.api_key_secret")
        }
        if let container = node["container"], container.value != .null,
           reader.map(container, path: path + ".container", keys: ["engine", "registry", "base_image", "network", "keep_images", "strategy"]) != nil {
            spec.containerEngine = reader.string(container["engine"], path: path + ".container.engine")
            spec.registry = reader.string(container["registry"], path: path + ".container.registry")
            spec.baseImage = reader.string(container["base_image"], path: path + ".container.base_image")
            spec.containerNetwork = reader.string(container["network"], path: path + ".container.network")
            spec.keepImages = reader.int(container["keep_images"], path: path + ".container.keep_images", range: 1...1000) ?? spec.keepImages
            spec.strategy = reader.enumeration(container["strategy"], path: path + ".container.strategy", as: ContainerStrategy.self) ?? spec.strategy
        }
        spec.env = reader.stringMap(node["env"], path: path + ".env") ?? [:]
        spec.keepReleases = reader.int(node["keep_releases"], path: path + ".keep_releases", range: 1...100_000) ?? spec.keepReleases
        decodeHosts(node, path: path, into: &spec)
        decodeRollout(node, path: path, into: &spec)
        decodeSwarm(node, path: path, into: &spec)
        spec.hooks = decodeHooks(node["hooks"], path: path + ".hooks")
        return spec
    }
}
