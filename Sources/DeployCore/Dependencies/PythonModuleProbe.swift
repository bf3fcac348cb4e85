import Foundation

/// One interpreter call answers every module question: `importlib.util.find_spec` for
/// each name (top-level only, so no user code runs), the interpreter's version, and its
/// list of standard-library modules.
struct PythonModuleProbe {
    struct Result: Decodable {
        var version: String
        var stdlib: Set<String>
        var found: [String: Bool]
    }

    static let script = """
        import importlib.util, json, sys
        found = {}
        for name in sys.argv[1:]:
            try:
                found[name] = importlib.util.find_spec(name) is not None
            except Exception:
                found[name] = False
        json.dump({"version": sys.version.split()[0], "stdlib": sorted(getattr(sys, "stdlib_module_names", ())), "found": found}, sys.stdout)
        """

    let runner: any CommandRunner
    let interpreter: String

    func run(modules: [String], workingDirectory: String) -> Swift.Result<Result, ProbeFailure> {
        let result = runner.run(ShellCommand(interpreter, ["-c", Self.script] + modules, workingDirectory: workingDirectory), timeout: 60)
        guard result.status == 0, !result.timedOut else {
            let reason = result.timedOut ? "timed out" : (result.stderr.split(whereSeparator: \.isNewline).last.map(String.init) ?? "exit \(result.status)")
            return .failure(ProbeFailure(reason: "\(interpreter) failed: \(reason)"))
        }
        guard let decoded = try? JSONDecoder().decode(Result.self, from: Data(result.stdout.utf8)) else {
            return .failure(ProbeFailure(reason: "\(interpreter) gave unreadable output"))
        }
        return .success(decoded)
    }
}

struct ProbeFailure: Error, Equatable {
    var reason: String
}
