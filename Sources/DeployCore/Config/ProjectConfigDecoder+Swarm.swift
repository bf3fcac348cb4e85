/// `swarm:` of an environment and a deployment's `replicas:` / `publish:`. Whether they may be
/// there at all (a swarm environment, container services) is the validator's to say.
extension ProjectConfigDecoder {
    static let swarmKeys = ["docker_host", "registry", "publish", "update"]
    static let swarmUpdateKeys = ["parallelism", "delay", "order", "monitor"]

    mutating func decodeSwarm(_ node: ConfigNode, path: String, into spec: inout EnvironmentSpec) {
        guard let swarm = node["swarm"], swarm.value != .null, reader.map(swarm, path: path + ".swarm", keys: Self.swarmKeys) != nil else { return }
        let key = { (name: String) in path + ".swarm." + name }
        var settings = SwarmSettings()
        settings.dockerHost = reader.string(swarm["docker_host"], path: key("docker_host")).flatMap { $0.isEmpty ? nil : $0 }
        settings.registry = reader.string(swarm["registry"], path: key("registry")) ?? ""
        settings.publish = reader.enumeration(swarm["publish"], path: key("publish"), as: SwarmPublish.self) ?? settings.publish
        if let update = swarm["update"], update.value != .null, reader.map(update, path: key("update"), keys: Self.swarmUpdateKeys) != nil {
            settings.update.parallelism = reader.int(update["parallelism"], path: key("update.parallelism"), range: 0...1000) ?? settings.update.parallelism
            settings.update.delay = duration(update["delay"], path: key("update.delay")) ?? settings.update.delay
            settings.update.order = reader.enumeration(update["order"], path: key("update.order"), as: SwarmUpdateOrder.self) ?? settings.update.order
            settings.update.monitor = duration(update["monitor"], path: key("update.monitor")) ?? settings.update.monitor
        }
        spec.swarm = settings
        // Images are named after the registry the nodes pull from, as `container.registry` does.
        if !settings.registry.isEmpty { spec.registry = settings.registry }
    }

    mutating func decodeReplication(_ node: ConfigNode, path: String, into spec: inout DeploymentSpec) {
        spec.replicas = reader.int(node["replicas"], path: ConfigReader.join(path, "replicas"), range: 0...1000)
        spec.publish = reader.enumeration(node["publish"], path: ConfigReader.join(path, "publish"), as: SwarmPublish.self)
    }

    /// "2s", "500ms", "1m" or a number of seconds (at most a day).
    mutating func duration(_ node: ConfigNode?, path: String) -> Double? {
        guard let node, node.value != .null else { return nil }
        let text: String
        switch node.value {
        case .scalar(let scalar, _): text = scalar
        default:
            reader.wrongType(node, path: path, expected: "a duration such as 2s, 500ms or 1m")
            return nil
        }
        guard let seconds = ConfigDuration.seconds(text), seconds <= 86_400 else {
            reader.issues.append(ConfigIssue(.invalidValue, at: node.location, path: path,
                                             message: "\(path): '\(text)' is not a duration",
                                             hint: "write \(path) as a number with a unit ms, s, m or h (e.g. 2s, 500ms), at most 24h"))
            return nil
        }
        return seconds
    }
}
