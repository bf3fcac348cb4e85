import Foundation

/// What crank reads back from the swarm: a service's spec and update status, its tasks with
/// their spec hash and host ports.
extension SwarmCLI {
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
