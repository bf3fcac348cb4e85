import Foundation

extension DependencyDoctor {
    static let defaultPrefectAPI = "http://127.0.0.1:4200/api"

    /// What the environment's target needs: a reachable Prefect API, or a container engine.
    func targetChecks(_ environment: EnvironmentSpec) async -> [DoctorCheck] {
        switch environment.target {
        case .local:
            return []
        case .prefect:
            let api = environment.prefectAPIURL ?? Self.defaultPrefectAPI
            let hint = InstallHint(pip: "pip install prefect && prefect server start (or set environments.\(environment.name).prefect.api_url)",
                                   url: "https://docs.prefect.io/v3/manage/self-host")
            guard let url = URL(string: api.hasSuffix("/") ? api + "health" : api + "/health"), url.scheme != nil else {
                return [DoctorCheck(kind: .target, name: "prefect-api", status: .missing, requiredBy: [],
                                    detail: "'\(api)' is not a URL", hint: hint)]
            }
            let status = await http.status(of: url, timeout: 5)
            let ok = status.map { (200..<300).contains($0) } ?? false
            let apiCheck = DoctorCheck(kind: .target, name: "prefect-api", status: ok ? .ok : .missing, requiredBy: [],
                                       detail: ok ? api : "\(api) \(status.map { "answered HTTP \($0)" } ?? "did not answer")",
                                       hint: ok ? nil : hint)
            return ok ? [apiCheck] + (await workPoolChecks(environment, api: api)) : [apiCheck]
        case .container:
            let engines = environment.containerEngine.flatMap { $0 == "auto" ? nil : [$0] } ?? ["podman", "docker"]
            let engine = engines.lazy.compactMap { name in ExecutableLocator.find(name, path: path).map { (name, $0) } }.first
            var checks = [engine.map(engineCheck)
                ?? DoctorCheck(kind: .target, name: engines.joined(separator: " or "), status: .missing, requiredBy: [],
                               detail: "no container engine on PATH", hint: hints.executable(engines[0]))]
            if environment.strategy == .blueGreen {
                // blue-green switches traffic at crank's own nginx.
                let nginx = ExecutableLocator.find("nginx", path: (path ?? "") + ":/usr/sbin:/usr/local/sbin")
                checks.append(DoctorCheck(kind: .target, name: "nginx", status: nginx == nil ? .missing : .ok, requiredBy: [],
                                          detail: nginx ?? "the blue-green strategy switches traffic with nginx; none found",
                                          hint: nginx == nil ? hints.executable("nginx") : nil))
            }
            return checks
        case .swarm:
            // The manager's engine is checked when crank deploys (`docker info` through docker_host).
            let docker = ExecutableLocator.find("docker", path: path)
            return [docker.map { DoctorCheck(kind: .target, name: "docker", status: .ok, requiredBy: [], detail: $0, hint: nil) }
                ?? DoctorCheck(kind: .target, name: "docker", status: .missing, requiredBy: [],
                               detail: "a swarm environment drives the manager with the docker CLI; none on PATH", hint: hints.executable("docker"))]
        }
    }
}

extension DependencyDoctor {
    /// The engine answers (`ps`): a docker CLI whose DOCKER_HOST is unreachable is not enough.
    func engineCheck(_ engine: (name: String, location: String)) -> DoctorCheck {
        let result = runner.run(ShellCommand(engine.location, ["ps", "-q"]), timeout: 15)
        guard result.status == 0, !result.timedOut else {
            let output = (result.stderr.isEmpty ? result.stdout : result.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
            return DoctorCheck(kind: .target, name: engine.name, status: .missing, requiredBy: [],
                               detail: "\(engine.location) does not answer: \(result.timedOut ? "timed out" : String(output.prefix(300)))",
                               hint: InstallHint(run: engine.name == "docker"
                                   ? "start the Docker daemon, or point DOCKER_HOST at one (`podman system service` gives a Docker API)"
                                   : "\(engine.name) ps  # shows why (CONTAINERS_CONF, storage, runtime)"))
        }
        return DoctorCheck(kind: .target, name: engine.name, status: .ok, requiredBy: [], detail: engine.location)
    }

    /// Each work pool the flow deployments name must exist in the server.
    func workPoolChecks(_ environment: EnvironmentSpec, api: String) async -> [DoctorCheck] {
        var pools: [String: (type: String, users: [String])] = [:]
        for deployment in effective.config.deployments where deployment.flow != nil {
            guard let pool = deployment.workPool ?? environment.prefectWorkPool else { continue }
            pools[pool, default: (deployment.kind == .container ? "docker" : "process", [])].users.append(deployment.name)
        }
        var checks: [DoctorCheck] = []
        for (pool, need) in pools.sorted(by: { $0.key < $1.key }) {
            let base = api.hasSuffix("/") ? api : api + "/"
            guard let encoded = pool.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed), let url = URL(string: base + "work_pools/" + encoded) else { continue }
            let status = await http.status(of: url, timeout: 5)
            let exists = status.map { (200..<300).contains($0) } ?? false
            checks.append(DoctorCheck(
                kind: .target, name: "work-pool \(pool)", status: exists ? .ok : .missing, requiredBy: need.users,
                detail: exists ? "exists" : (status == 404 ? "not in the server" : "\(status.map { "HTTP \($0)" } ?? "no answer")"),
                hint: exists ? nil : InstallHint(run: "prefect work-pool create \(pool) --type \(need.type) (or: crank deploy --env \(environment.name) --create-pools)")))
        }
        return checks
    }
}

/// Which deployments need what, from `requires:` and the flows' imports.
struct DependencyNeeds {
    var pythonModules: [String: [String]] = [:]
    var executables: [String: [String]] = [:]
    /// Executables only `requires.optional_executables` names (a required use wins).
    var optionalExecutables: [String: [String]] = [:]
    var gpu: [String] = []

    init(effective: EffectiveConfig, flows: [Flow]) {
        let local = LocalModules(root: effective.root, flowPaths: effective.config.flows.paths, flows: flows)
        for deployment in effective.config.deployments {
            for module in deployment.requires.python { pythonModules[module, default: []].append(deployment.name) }
            for executable in deployment.requires.executables { executables[executable, default: []].append(deployment.name) }
            for executable in deployment.requires.optionalExecutables { optionalExecutables[executable, default: []].append(deployment.name) }
            if deployment.requires.gpu { gpu.append(deployment.name) }
            if let reference = deployment.flow, let flow = FlowReference.resolve(reference, in: flows) {
                for module in flow.imports where !local.contains(module, forFlowFile: flow.file) {
                    if !(pythonModules[module]?.contains(deployment.name) ?? false) {
                        pythonModules[module, default: []].append(deployment.name)
                    }
                }
            }
        }
        optionalExecutables = optionalExecutables.filter { executables[$0.key] == nil }
    }
}

/// Top-level names that are the project's own code, not installed packages.
struct LocalModules {
    var names: Set<String> = []
    let root: String

    init(root: String, flowPaths: [String], flows: [Flow]) {
        self.root = root
        for directory in [root] + flowPaths.map({ root + "/" + $0 }) { names.formUnion(Self.modules(in: directory)) }
    }

    func contains(_ module: String, forFlowFile file: String) -> Bool {
        if names.contains(module) { return true }
        let directory = (root + "/" + file as NSString).deletingLastPathComponent
        return Self.modules(in: directory).contains(module)
    }

    static func modules(in directory: String) -> Set<String> {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return Set(entries.compactMap { entry in
            if entry.hasSuffix(".py") { return String(entry.dropLast(3)) }
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: directory + "/" + entry, isDirectory: &isDirectory)
            return isDirectory.boolValue && !entry.hasPrefix(".") ? entry : nil
        })
    }
}
