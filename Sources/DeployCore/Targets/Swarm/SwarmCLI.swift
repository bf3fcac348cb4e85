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

    /// nil when the service does not exist.
    func service(_ name: String) throws(Failure) -> ServiceState? {
        let result = runner.run(ShellCommand(executable, ["service", "inspect", name], environment: environment), timeout: 30)
        if result.status != 0, (result.stderr + result.stdout).contains("no such service") { return nil }
        try ContainerEngine.check(result, command: "\(executable) service inspect \(name)", timeout: 30)
        guard case .array(let items)? = try? JSONReader.parse(Data(result.stdout.utf8)), case .object(let service)? = items.first else {
            throw Failure(command: "\(executable) service inspect \(name)", output: "unreadable answer")
        }
        return Self.state(service, name: name)
    }

    static func state(_ service: [String: JSONValue], name: String) -> ServiceState {
        let spec = service["Spec"]?.objectValue ?? [:]
        let container = spec["TaskTemplate"]?.objectValue?["ContainerSpec"]?.objectValue ?? [:]
        let replicas = spec["Mode"]?.objectValue?["Replicated"]?.objectValue?["Replicas"]?.intValue ?? 0
        let update = service["UpdateStatus"]?.objectValue ?? [:]
        let ports = (spec["EndpointSpec"]?.objectValue?["Ports"]?.arrayValue ?? []).compactMap { port -> String? in
            guard let object = port.objectValue, let target = object["TargetPort"]?.intValue else { return nil }
            return "\(target):\(object["PublishedPort"]?.intValue.map(String.init) ?? "")/\(object["PublishMode"]?.stringValue ?? "")"
        }
        return ServiceState(name: name, labels: spec["Labels"]?.stringMap ?? [:], replicas: replicas,
                            image: container["Image"]?.stringValue ?? "",
                            env: (container["Env"]?.arrayValue ?? []).compactMap(\.stringValue).sorted(),
                            updateState: update["State"]?.stringValue ?? "", updateMessage: update["Message"]?.stringValue ?? "",
                            ports: ports, taskLabels: container["Labels"]?.stringMap ?? [:])
    }

    /// The service's tasks that should be running, with their spec hash and host ports.
    func tasks(_ service: String) throws(Failure) -> [TaskState] {
        let output = try call(["service", "ps", service, "--no-trunc", "--filter", "desired-state=running",
                               "--format", "{{.ID}}|{{.Node}}|{{.DesiredState}}|{{.CurrentState}}|{{.Error}}"], timeout: 30)
        var tasks = output.split(separator: "\n").compactMap { line -> TaskState? in
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 5 else { return nil }
            return TaskState(id: fields[0], node: fields[1], desired: fields[2], current: fields[3], error: fields[4...].joined(separator: "|"))
        }
        guard !tasks.isEmpty else { return [] }
        let format = "{{.ID}}|{{index .Spec.ContainerSpec.Labels \"crank.task\"}}|{{.Status.ContainerStatus.ContainerID}}|{{range .Status.PortStatus.Ports}}{{.PublishedPort}},{{end}}"
        var containers: [String: String] = [:]
        if let details = try? call(["inspect", "--type", "task", "--format", format] + tasks.map(\.id), timeout: 30) {
            for line in details.split(separator: "\n") {
                let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                guard fields.count == 4, let index = tasks.firstIndex(where: { $0.id == fields[0] }) else { continue }
                tasks[index].taskHash = fields[1].isEmpty || fields[1] == "<no value>" ? nil : fields[1]
                tasks[index].hostPorts = fields[3].split(separator: ",").compactMap { Int($0) }
                if !fields[2].isEmpty { containers[fields[2]] = fields[0] }
            }
        }
        // dockerd allocates an ephemeral port for 0.0.0.0 and another for :: (they can differ);
        // the task's PortStatus may name the IPv6 one. The IPv4 port is in the container's own
        // bindings, readable where the container runs (this node).
        let bindings = "{{.Id}}|{{range $p, $b := .NetworkSettings.Ports}}{{range $b}}{{.HostIp}}={{.HostPort}},{{end}}{{end}}"
        if !containers.isEmpty, let details = try? call(["inspect", "--type", "container", "--format", bindings] + containers.keys.sorted(), timeout: 30) {
            for line in details.split(separator: "\n") {
                let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                guard fields.count == 2, let task = containers[fields[0]], let index = tasks.firstIndex(where: { $0.id == task }) else { continue }
                let ipv4 = fields[1].split(separator: ",").compactMap { binding -> Int? in
                    let parts = binding.split(separator: "=")
                    guard parts.count == 2, parts[0] == "0.0.0.0" || parts[0] == "127.0.0.1" else { return nil }
                    return Int(parts[1])
                }
                if !ipv4.isEmpty { tasks[index].hostPorts = Array(Set(ipv4)).sorted() }
            }
        }
        return tasks
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

extension JSONValue {
    var objectValue: [String: JSONValue]? { if case .object(let object) = self { return object } else { return nil } }
    var arrayValue: [JSONValue]? { if case .array(let items) = self { return items } else { return nil } }
    var stringValue: String? { if case .string(let text) = self { return text } else { return nil } }
    var intValue: Int? {
        switch self {
        case .int(let value): return value
        case .double(let value): return Int(value)
        default: return nil
        }
    }
    var stringMap: [String: String] { (objectValue ?? [:]).compactMapValues(\.stringValue) }
}
