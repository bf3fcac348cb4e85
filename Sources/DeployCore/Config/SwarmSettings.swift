/// `environments.<env>.swarm`: where the Swarm manager is, where nodes pull images from, how
/// ports are published and how Swarm rolls a service's tasks over.
public struct SwarmSettings: Equatable, Sendable, Codable {
    /// The manager's Docker API (`unix://…`, `tcp://…`, `ssh://…`); nil: the caller's DOCKER_HOST.
    public var dockerHost: String?
    /// Where the nodes pull images from; empty: images are loaded into the manager's engine only
    /// (a single-node swarm, or one where every node already has the image).
    public var registry = ""
    public var publish = SwarmPublish.host
    public var update = SwarmUpdate()

    public init() {}

    enum CodingKeys: String, CodingKey {
        case dockerHost = "docker_host", registry, publish, update
    }
}

/// How a service's port reaches clients.
public enum SwarmPublish: String, Sendable, Codable, CaseIterable {
    /// Swarm's routing mesh: `published=PORT` on every node (needs IPVS in the kernel).
    case ingress
    /// crank's nginx on this node listens on the port and routes to each task's own ephemeral
    /// host port (`mode=host` without `published=`): several replicas on one node.
    case proxy
    /// `mode=host,published=PORT`: one task per node answers on the node's port.
    case host
}

public enum SwarmUpdateOrder: String, Sendable, Codable, CaseIterable {
    case startFirst = "start-first"
    case stopFirst = "stop-first"
}

/// `update:` — Swarm's `--update-*` (and the same for `--rollback-*`).
public struct SwarmUpdate: Equatable, Sendable, Codable {
    /// Tasks replaced at once (0: all).
    public var parallelism = 1
    /// Seconds between batches.
    public var delay = 0.0
    public var order = SwarmUpdateOrder.stopFirst
    /// Seconds a new task is watched for a failure before the next batch.
    public var monitor = 5.0

    public init() {}
}

/// A duration in config: "2s", "500ms", "1m", "1h" or a plain number of seconds.
enum ConfigDuration {
    static func seconds(_ text: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (unit, factor) in units where text.hasSuffix(unit) {
            let number = text.dropLast(unit.count)
            if unit == "s", number.hasSuffix("m") { continue }
            guard let value = Double(number), value >= 0, value.isFinite else { return nil }
            return value * factor
        }
        return Double(text).flatMap { $0 >= 0 && $0.isFinite ? $0 : nil }
    }

    /// Swarm's own spelling: "2s", "1.5s", "500ms".
    static func text(_ seconds: Double) -> String {
        if seconds == seconds.rounded() { return "\(Int(seconds))s" }
        return "\(Int((seconds * 1000).rounded()))ms"
    }
}
