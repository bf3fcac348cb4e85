import Foundation

/// A hook's one-off container: `run --rm` of a release's image, its variables from an env-file
/// (0600, removed right after) — never argv.
extension ContainerEngine {
    struct OneOff: Sendable {
        var name: String
        var image: String
        var env: [String: String]
        var labels: [String: String] = [:]
        var network: String?
        var command: [String]
    }

    /// Runs `oneOff` to its end; past `timeout` the container is removed by force (`rm -f`),
    /// which kills every process in it.
    func runOnce(_ oneOff: OneOff, timeout: Double) -> HookResult {
        let started = Date()
        func notStarted(_ reason: String) -> HookResult { HookResult(status: nil, notStarted: reason, output: "", seconds: 0) }
        if let name = oneOff.env.keys.sorted().first(where: { !TextRules.isEnvironmentName($0) || oneOff.env[$0]!.contains(where: \.isNewline) }) {
            return notStarted("\(TextRules.display(name)) cannot go into an env-file (a variable name, one line per value)")
        }
        if let problem = ImageReference.problem(in: oneOff.image) { return notStarted("image \(TextRules.display(oneOff.image)) is malformed: \(problem)") }
        let text = oneOff.env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n") + "\n"
        let directory = FileManager.default.temporaryDirectory.path + "/crank-env-" + UUID().uuidString
        let file = directory + "/env"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try AtomicFile.write(Data(text.utf8), to: file, permissions: 0o600)
        } catch {
            return notStarted("cannot write the env-file: \(error)")
        }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var arguments = ["run", "--rm", "--name", oneOff.name, "--env-file", file, "--init"]
        for (key, value) in oneOff.labels.sorted(by: { $0.key < $1.key }) { arguments += ["--label", "\(key)=\(value)"] }
        if let network = oneOff.network { arguments += ["--network", network] }
        let result = runner.run(ShellCommand(executable, arguments + [oneOff.image] + oneOff.command, environment: environment), timeout: timeout)
        if result.timedOut { remove(oneOff.name) }
        let output = result.stdout + result.stderr
        return HookResult(status: result.timedOut ? nil : Int(result.status), timedOut: result.timedOut, output: output,
                          seconds: Date().timeIntervalSince(started))
    }
}
