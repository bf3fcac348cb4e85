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
        let local = LocalModules(root: effective.root, flowPaths: effective.config.flows.paths, flows: flows,
                                 requirements: effective.config.python.requirements)
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

/// Modules the project itself provides, which the doctor must not report as missing: top-level
/// modules and packages of the project root, of `src/` (the src layout), of the flow paths and of
/// a flow file's own folder, and those of local packages that a requirements file names by path
/// (`-e ./libs/shared`, `./libs/shared`, `shared @ file:./libs/shared`).
struct LocalModules {
    var names: Set<String> = []
    let root: String

    init(root: String, flowPaths: [String], flows: [Flow], requirements: String? = nil) {
        self.root = root
        let directories = [root] + flowPaths.map { root + "/" + $0 } + LocalPackages.directories(root: root, requirements: requirements)
        for directory in directories {
            names.formUnion(Self.modules(in: directory))
            names.formUnion(Self.modules(in: directory + "/src"))
        }
        for directory in LocalPackages.directories(root: root, requirements: requirements) {
            names.insert(LocalPackages.moduleName((directory as NSString).lastPathComponent))
        }
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
            guard FileManager.default.fileExists(atPath: directory + "/" + entry, isDirectory: &isDirectory) else { return nil }
            return isDirectory.boolValue && !entry.hasPrefix(".") ? entry : nil
        })
    }
}

/// Local packages named by path in the project's requirements files (`python.requirements`,
/// else `requirements*.txt` in the root), followed through `-r other.txt`.
enum LocalPackages {
    static func directories(root: String, requirements: String?) -> [String] {
        var files = requirements.map { [PathResolver.absolute($0, from: root)] } ?? []
        if files.isEmpty {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
            files = entries.filter { $0.hasPrefix("requirements") && $0.hasSuffix(".txt") }.sorted().map { root + "/" + $0 }
        }
        var seen: Set<String> = []
        var directories: [String] = []
        while let file = files.first {
            files.removeFirst()
            guard seen.insert(file).inserted, seen.count <= 20,
                  case .success(let bytes) = RegularFile.contents(of: file, limit: 1_048_576) else { continue }
            let base = (file as NSString).deletingLastPathComponent
            for line in String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline) {
                switch entry(String(line)) {
                case .include(let path): files.append(PathResolver.absolute(path, from: base))
                case .directory(let path):
                    let absolute = PathResolver.absolute(path, from: base)
                    var isDirectory: ObjCBool = false
                    if FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory), isDirectory.boolValue {
                        directories.append(absolute)
                    }
                case nil: break
                }
            }
        }
        return directories
    }

    enum Entry: Equatable {
        case include(String)
        case directory(String)
    }

    /// What one requirements line says about local files.
    static func entry(_ line: String) -> Entry? {
        var text = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        text = text.trimmingCharacters(in: .whitespaces)
        for option in ["-r", "--requirement"] where text.hasPrefix(option + " ") || text.hasPrefix(option + "=") {
            return .include(String(text.dropFirst(option.count + 1)).trimmingCharacters(in: .whitespaces))
        }
        for option in ["-e", "--editable"] where text.hasPrefix(option + " ") || text.hasPrefix(option + "=") {
            text = String(text.dropFirst(option.count + 1)).trimmingCharacters(in: .whitespaces)
        }
        if let at = text.range(of: " @ ") { text = String(text[at.upperBound...]).trimmingCharacters(in: .whitespaces) }
        if text.hasPrefix("file://") { text = String(text.dropFirst(7)) } else if text.hasPrefix("file:") { text = String(text.dropFirst(5)) }
        text = String(text.prefix { $0 != "[" && $0 != ";" && $0 != " " })  // extras, markers
        guard text.hasPrefix(".") || text.hasPrefix("/") else { return nil }
        return .directory(text)
    }

    /// A distribution's import name as pip projects usually spell it: `my-lib` → `my_lib`.
    static func moduleName(_ distribution: String) -> String {
        distribution.lowercased().replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: ".", with: "_")
    }
}
