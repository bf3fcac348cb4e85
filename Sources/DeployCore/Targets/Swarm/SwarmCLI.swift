import Foundation

/// The docker CLI against a swarm manager (`DOCKER_HOST` = the environment's `docker_host`),
/// run through a `CommandRunner`. Secret values reach the engine only on stdin.
public struct SwarmCLI: Sendable {
    public typealias Failure = ContainerEngine.Failure

    /// What crank reads of a live service.
    public struct ServiceState: Equatable, Sendable {
        public var name: String
        public var labels: [String: String]
        public var replicas: Int
        public var image: String
        public var env: [String]
        /// UpdateStatus.State ("updating", "completed", "rollback_started", …; "" when none).
        public var updateState: String
        public var updateMessage: String
        /// Published ports as "target:published/mode".
        public var ports: [String]
        public var taskLabels: [String: String]
    }

    /// One task of `docker service ps`.
    public struct TaskState: Equatable, Sendable {
        public var id: String
        public var node: String
        public var desired: String
        /// "Running 5 seconds ago", "Starting …", "Failed …".
        public var current: String
        public var error: String
        /// The task's own `crank.task` container label (its spec).
        public var taskHash: String?
        public var hostPorts: [Int] = []
        public var running: Bool { desired.lowercased() == "running" && current.hasPrefix("Running") }
    }

    public let executable: String
    let runner: any CommandRunner
    let environment: [String: String]

    public init(executable: String = "docker", runner: any CommandRunner, environment: [String: String]) {
        self.executable = executable
        self.runner = runner
        self.environment = environment
    }

    @discardableResult
    func call(_ arguments: [String], timeout: TimeInterval = 120, input: Data? = nil) throws(Failure) -> String {
        let result = runner.run(ShellCommand(executable, arguments, environment: environment, input: input), timeout: timeout)
        try ContainerEngine.check(result, command: ([executable] + arguments.prefix(3)).joined(separator: " "), timeout: timeout)
        return result.stdout
    }

    /// Throws unless the engine answers and is a swarm manager.
    func checkManager() throws(Failure) {
        let state = try call(["info", "--format", "{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}"], timeout: 30)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard state == "active true" else {
            throw Failure(command: "\(executable) info", output: "the engine at \(environment["DOCKER_HOST"] ?? "DOCKER_HOST") is not a swarm manager (swarm state: \(state))")
        }
    }

    func imageExists(_ reference: String) -> Bool {
        (try? call(["image", "inspect", "--format", "{{.Id}}", reference], timeout: 30)) != nil
    }

    /// `ENGINE save IMAGE | docker load`: the image built by `engine` (podman) into the swarm's engine.
    func load(_ image: String, from engine: String, engineEnvironment: [String: String]) throws(Failure) {
        let script = "set -o pipefail; \"$1\" save \"$2\" | \"$3\" load"
        var env = engineEnvironment
        env.merge(environment) { _, swarm in swarm }
        let result = runner.run(ShellCommand("/bin/bash", ["-c", script, "crank-load", engine, image, executable], environment: env), timeout: 600)
        try ContainerEngine.check(result, command: "\(engine) save \(image) | \(executable) load", timeout: 600)
    }

    func secrets(labeled labels: [String: String]) throws(Failure) -> [String] {
        var arguments = ["secret", "ls", "--format", "{{.Name}}"]
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) { arguments += ["--filter", "label=\(key)=\(value)"] }
        return try call(arguments, timeout: 30).split(separator: "\n").map(String.init).sorted()
    }

    /// `docker secret create NAME -` with the value on stdin (never argv).
    func createSecret(_ name: String, value: String, labels: [String: String]) throws(Failure) {
        var arguments = ["secret", "create"]
        for (key, label) in labels.sorted(by: { $0.key < $1.key }) { arguments += ["--label", "\(key)=\(label)"] }
        try call(arguments + [name, "-"], timeout: 30, input: Data(value.utf8))
    }

    func removeSecret(_ name: String) throws(Failure) {
        try call(["secret", "rm", name], timeout: 30)
    }

    /// `docker stack deploy` of a rendered stack file (written to a private temporary file).
    func deployStack(_ text: String, stack: String, resolveImage: String) throws(Failure) {
        let directory = FileManager.default.temporaryDirectory.path + "/crank-stack-" + UUID().uuidString
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try AtomicFile.write(Data(text.utf8), to: directory + "/stack.yml", permissions: 0o600)
        } catch {
            throw Failure(command: "write stack.yml", output: "\(error)")
        }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var attempt = 0
        while true {
            do throws(Failure) {
                try call(["stack", "deploy", "-c", directory + "/stack.yml", "--resolve-image", resolveImage, stack], timeout: 300)
                return
            } catch {
                // The stack's network of a just-removed stack is still going away: try again.
                attempt += 1
                guard attempt < 5, error.output.contains("network"), error.output.contains("not found") else { throw error }
                usleep(useconds_t(1_000_000 * attempt))
            }
        }
    }

    func services(labeled labels: [String: String]) throws(Failure) -> [String] {
        var arguments = ["service", "ls", "--format", "{{.Name}}"]
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) { arguments += ["--filter", "label=\(key)=\(value)"] }
        return try call(arguments, timeout: 30).split(separator: "\n").map(String.init).sorted()
    }

    /// How many of the service's tasks still run a container (whatever their desired state).
    func runningContainers(_ service: String) throws(Failure) -> Int {
        try call(["service", "ps", service, "--format", "{{.CurrentState}}"], timeout: 30)
            .split(separator: "\n").filter { $0.hasPrefix("Running") }.count
    }

    func scale(_ service: String, to replicas: Int) throws(Failure) {
        try call(["service", "update", "--detach", "--replicas", String(replicas), service], timeout: 120)
    }

    func forceUpdate(_ service: String) throws(Failure) {
        try call(["service", "update", "--detach", "--force", service], timeout: 120)
    }

    /// Removes the service; one that does not exist is already removed.
    func removeService(_ service: String) throws(Failure) {
        let result = runner.run(ShellCommand(executable, ["service", "rm", service], environment: environment), timeout: 60)
        if result.status != 0, (result.stderr + result.stdout).contains("not found") { return }
        try ContainerEngine.check(result, command: "\(executable) service rm \(service)", timeout: 60)
    }

    func networks(labeled labels: [String: String]) throws(Failure) -> [String] {
        var arguments = ["network", "ls", "--format", "{{.Name}}"]
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) { arguments += ["--filter", "label=\(key)=\(value)"] }
        return try call(arguments, timeout: 30).split(separator: "\n").map(String.init).sorted()
    }

    func removeNetwork(_ name: String) throws(Failure) {
        try call(["network", "rm", name], timeout: 60)
    }
}
