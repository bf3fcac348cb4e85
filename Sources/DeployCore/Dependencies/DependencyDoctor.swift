import Foundation

/// Checks what an environment's deployments need: the interpreter, Python modules (one
/// batched `find_spec` call), executables on PATH, a GPU, and the target's own tools.
public struct DependencyDoctor: Sendable {
    public var effective: EffectiveConfig
    public var flows: [Flow]
    public var hints: InstallHints
    public var runner: any CommandRunner
    public var http: any HTTPProbe
    /// The PATH to search (the process's, normally).
    public var path: String?

    public init(effective: EffectiveConfig, flows: [Flow], hints: InstallHints, runner: any CommandRunner,
                http: any HTTPProbe, path: String?) {
        self.effective = effective
        self.flows = flows
        self.hints = hints
        self.runner = runner
        self.http = http
        self.path = path
    }

    public func run() async -> DoctorReport {
        let needs = DependencyNeeds(effective: effective, flows: flows)
        let environment = effective.config.environment(effective.environment ?? "")
        var checks: [DoctorCheck] = []
        let interpreter = resolveInterpreter()
        if let interpreter {
            let probe = PythonModuleProbe(runner: runner, interpreter: interpreter)
            switch probe.run(modules: needs.pythonModules.keys.sorted(), workingDirectory: effective.root) {
            case .success(let result):
                checks.append(DoctorCheck(kind: .interpreter, name: effective.config.python.interpreter, status: .ok,
                                          requiredBy: [], detail: "\(interpreter) (Python \(result.version))"))
                for (module, users) in needs.pythonModules.sorted(by: { $0.key < $1.key }) where !result.stdlib.contains(module) {
                    let found = result.found[module] ?? false
                    checks.append(DoctorCheck(kind: .pythonModule, name: module, status: found ? .ok : .missing, requiredBy: users,
                                              detail: found ? nil : "not importable by \(interpreter)",
                                              hint: found ? nil : hints.pythonModule(module)))
                }
            case .failure(let reason):
                checks.append(DoctorCheck(kind: .interpreter, name: effective.config.python.interpreter, status: .missing,
                                          requiredBy: [], detail: reason.reason, hint: interpreterHint))
            }
        } else {
            checks.append(DoctorCheck(kind: .interpreter, name: effective.config.python.interpreter, status: .missing, requiredBy: [],
                                      detail: "not found (python.interpreter in crank.yaml)", hint: interpreterHint))
        }
        for (name, users) in needs.executables.sorted(by: { $0.key < $1.key }) {
            checks.append(executableCheck(name, requiredBy: users))
        }
        for (name, users) in needs.optionalExecutables.sorted(by: { $0.key < $1.key }) {
            var check = executableCheck(name, requiredBy: users)
            if check.status == .missing { check.status = .missingOptional }
            checks.append(check)
        }
        if !needs.gpu.isEmpty {
            checks.append(gpuCheck(requiredBy: needs.gpu))
            let torchUsers = needs.gpu.filter { needs.pythonModules["torch"]?.contains($0) ?? false }
            let torchFound = checks.contains { $0.kind == .pythonModule && $0.name == "torch" && $0.status == .ok }
            if let interpreter, !torchUsers.isEmpty, torchFound {
                checks.append(torchCUDACheck(interpreter: interpreter, requiredBy: torchUsers))
            }
        }
        if let environment {
            checks += await targetChecks(environment)
        }
        return DoctorReport(environment: effective.environment ?? "", target: environment?.target ?? .local, checks: checks)
    }

    var interpreterHint: InstallHint {
        InstallHint(apt: "apt-get install -y python3 python3-venv", brew: "brew install python",
                    pip: "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt",
                    url: "set python.interpreter in crank.yaml to an existing interpreter")
    }

    func resolveInterpreter() -> String? {
        let configured = effective.config.python.interpreter
        if configured.contains("/") {
            let absolute = PathResolver.absolute(configured, from: effective.root)
            return FileManager.default.isExecutableFile(atPath: absolute) ? absolute : nil
        }
        return ExecutableLocator.find(configured, path: path)
    }

    func executableCheck(_ name: String, requiredBy: [String]) -> DoctorCheck {
        guard let location = ExecutableLocator.find(name, path: path) else {
            return DoctorCheck(kind: .executable, name: name, status: .missing, requiredBy: requiredBy,
                               detail: "not found on PATH", hint: hints.executable(name))
        }
        let result = runner.run(ShellCommand(location, ["--version"]), timeout: 2)
        let version = (result.stdout + "\n" + result.stderr).split(whereSeparator: \.isNewline).first.map { String($0.prefix(80)) }
        let detail = result.status == 0 && !result.timedOut ? [location, version].compactMap { $0 }.joined(separator: " — ") : location
        return DoctorCheck(kind: .executable, name: name, status: .ok, requiredBy: requiredBy, detail: detail)
    }

    /// With torch required on a GPU deployment: `torch.cuda.is_available()` in the interpreter.
    func torchCUDACheck(interpreter: String, requiredBy: [String]) -> DoctorCheck {
        let script = "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 3)"
        let result = runner.run(ShellCommand(interpreter, ["-c", script], workingDirectory: effective.root), timeout: 60)
        let ok = result.status == 0 && !result.timedOut
        return DoctorCheck(kind: .gpu, name: "torch.cuda", status: ok ? .ok : .missing, requiredBy: requiredBy,
                           detail: ok ? "torch sees a CUDA device" : "torch.cuda.is_available() is false",
                           hint: ok ? nil : InstallHint(pip: "pip install torch --index-url https://download.pytorch.org/whl/cu121",
                                                        url: "https://pytorch.org/get-started/locally/"))
    }

    func gpuCheck(requiredBy: [String]) -> DoctorCheck {
        guard let smi = ExecutableLocator.find("nvidia-smi", path: path) else {
            return DoctorCheck(kind: .gpu, name: "nvidia", status: .missing, requiredBy: requiredBy,
                               detail: "nvidia-smi not found on PATH", hint: hints.gpuHint())
        }
        let result = runner.run(ShellCommand(smi, ["-L"]), timeout: 10)
        let devices = result.stdout.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("GPU ") }
        guard result.status == 0, let first = devices.first else {
            return DoctorCheck(kind: .gpu, name: "nvidia", status: .missing, requiredBy: requiredBy,
                               detail: "nvidia-smi lists no device", hint: hints.gpuHint())
        }
        return DoctorCheck(kind: .gpu, name: "nvidia", status: .ok, requiredBy: requiredBy, detail: String(first))
    }
}
