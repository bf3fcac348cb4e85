import Foundation

/// One deployment as a Swarm service: everything `docker stack deploy` is given, as data.
/// Built from a rendered deployment (never from live state), so the stack file `crank build`
/// writes and the one `crank deploy` applies are the same text. Secret values are never here:
/// a secret is a Docker secret named after its content (`secretName`), mounted at
/// /run/secrets/NAME and exported as $NAME by a small `sh` wrapper before the command runs.
public struct SwarmService: Equatable, Sendable {
    public enum Failure: Error, Equatable {
        /// An `env:` value holds (part of) a secret's value: it would be written into the spec.
        case secretInEnv(deployment: String, variable: String, secret: String)
        case noImage(deployment: String)
    }

    public struct Health: Equatable, Sendable {
        public var test: [String]
        public var interval = "2s"
        public var timeout = "2s"
        public var retries = 3
        public var startPeriod: String
    }

    public var deployment: String
    public var image: String
    public var entrypoint: [String]?
    public var command: [String]
    public var env: [(String, String)]
    /// Docker secret name → the variable (and /run/secrets file) it becomes.
    public var secrets: [(source: String, target: String)]
    public var port: Int?
    public var publish: SwarmPublish?
    public var replicas: Int
    public var resources: ResourceLimits
    /// Swarm's restart condition: none, on-failure, any.
    public var restartCondition: String
    public var health: Health?
    /// The `health:` check crank's own gate runs through the published port (http and tcp;
    /// an exec check runs inside the tasks as their HEALTHCHECK only).
    public var gateCheck: JSONValue?
    /// Seconds the health check may take to pass (`health.timeout`, default 30).
    public var healthTimeout = 30
    public var update: SwarmUpdate
    /// Service labels (crank.project, crank.environment, crank.deployment, crank.release, crank.spec).
    public var labels: [String: String]

    public static func == (lhs: SwarmService, rhs: SwarmService) -> Bool {
        lhs.deployment == rhs.deployment && lhs.image == rhs.image && lhs.entrypoint == rhs.entrypoint && lhs.command == rhs.command
            && lhs.env.elementsEqual(rhs.env, by: ==) && lhs.secrets.elementsEqual(rhs.secrets, by: ==) && lhs.port == rhs.port
            && lhs.publish == rhs.publish && lhs.replicas == rhs.replicas && lhs.resources == rhs.resources
            && lhs.restartCondition == rhs.restartCondition && lhs.health == rhs.health && lhs.gateCheck == rhs.gateCheck && lhs.update == rhs.update && lhs.labels == rhs.labels
    }

    /// The stack a project's environment is deployed as; services are `<stack>_<deployment>`.
    public static func stackName(project: String, environment: String) -> String {
        String("\(project)-\(environment)".lowercased().map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
    }

    /// `<project>-<environment>-<NAME>-<16 hex of the value's keyed fingerprint>`: a new value
    /// is a new secret (Docker secrets cannot be updated in place), the old one stays for rollback.
    public static func secretName(project: String, environment: String, name: String, fingerprint: String) -> String {
        "\(stackName(project: project, environment: environment))-\(name)-\(fingerprint)"
    }

    /// Wraps the command so each mounted secret becomes an environment variable (the app reads
    /// $NAME as it does in every other target).
    static let secretWrapper = ["sh", "-c",
                                "for f in /run/secrets/*; do [ -f \"$f\" ] && export \"${f##*/}=$(cat \"$f\")\"; done; exec \"$@\"",
                                "crank-secrets"]

    public init(_ deployment: RenderedDeployment, project: String, environment: String, release: String) throws(Failure) {
        let spec = deployment.spec
        guard case .string(let image)? = spec["image"] else { throw .noImage(deployment: deployment.name) }
        self.deployment = deployment.name
        self.image = image
        command = ContainerfileBuilder.command(for: deployment)
        var env: [(String, String)] = []
        if case .object(let values)? = spec["env"] {
            for key in values.keys.sorted() {
                guard case .string(let value) = values[key]! else { continue }
                if let start = value.range(of: "[redacted:"), let end = value[start.upperBound...].firstIndex(of: "]") {
                    throw .secretInEnv(deployment: deployment.name, variable: key, secret: String(value[start.upperBound..<end]))
                }
                env.append((key, value))
            }
        }
        env += [("CRANK_DEPLOYMENT", deployment.name), ("CRANK_ENVIRONMENT", environment)]
        self.env = env.sorted { $0.0 < $1.0 }
        var fingerprints: [String: String] = [:]
        if case .object(let values)? = spec["secret_fingerprints"] {
            for (name, value) in values { if case .string(let text) = value { fingerprints[name] = text } }
        }
        secrets = deployment.secretNames.sorted().map { name in
            (Self.secretName(project: project, environment: environment, name: name, fingerprint: fingerprints[name] ?? "missing"), name)
        }
        entrypoint = secrets.isEmpty ? nil : Self.secretWrapper
        if case .int(let port)? = spec["port"] { self.port = port }
        if case .string(let mode)? = spec["publish"] { publish = SwarmPublish(rawValue: mode) }
        if case .int(let count)? = spec["replicas"] { replicas = count } else { replicas = 1 }
        resources = ResourceLimits()
        if case .object(let limits)? = spec["resources"] {
            if case .string(let cpus)? = limits["cpus"] { resources.cpus = cpus }
            if case .string(let memory)? = limits["memory"] { resources.memory = memory }
        }
        switch spec["restart"] {
        case .string("no")?: restartCondition = "none"
        case .string("on-failure")?: restartCondition = "on-failure"
        default: restartCondition = "any"
        }
        health = Self.health(spec["health"], port: port)
        if case .object(let check)? = spec["health"] {
            if case .int(let seconds)? = check["timeout"] { healthTimeout = seconds }
            if check["kind"] != .string("exec") { gateCheck = .object(check) }
        }
        update = SwarmUpdate()
        if case .object(let values)? = spec["update"] {
            if case .int(let parallelism)? = values["parallelism"] { update.parallelism = parallelism }
            if case .string(let delay)? = values["delay"] { update.delay = ConfigDuration.seconds(delay) ?? update.delay }
            if case .string(let order)? = values["order"] { update.order = SwarmUpdateOrder(rawValue: order) ?? update.order }
            if case .string(let monitor)? = values["monitor"] { update.monitor = ConfigDuration.seconds(monitor) ?? update.monitor }
        }
        labels = ["crank.project": project, "crank.environment": environment, "crank.deployment": deployment.name,
                  "crank.release": release, "crank.spec": deployment.specHash]
    }

    /// What the task containers run, as a short hash (their `crank.task` label): a task with
    /// another hash runs another spec. Replicas, update settings and service labels are not part
    /// of it (changing them replaces no task).
    public var taskHash: String {
        var parts = [image, "--"] + (entrypoint ?? []) + ["--"] + command + ["--"] + env.map { "\($0.0)=\($0.1)" } + ["--"]
        parts += secrets.map { "\($0.source)>\($0.target)" } + ["--", port.map(String.init) ?? "", publish?.rawValue ?? ""]
        parts += [resources.cpus ?? "", resources.memory ?? "", restartCondition, "--"] + (health.map { $0.test + [$0.startPeriod] } ?? [])
        return String(SHA256.hex(parts.joined(separator: "\u{1}")).prefix(16))
    }

    /// The labels of the task containers: the deployment and its task hash, never the release.
    public var taskLabels: [String: String] {
        labels.filter { $0.key != "crank.release" && $0.key != "crank.spec" }.merging(["crank.task": taskHash]) { _, new in new }
    }

    /// The HEALTHCHECK Swarm runs inside each task, from the deployment's `health:` (HTTP with
    /// wget, curl or python3 — whichever the image has; TCP; or the exec command).
    static func health(_ value: JSONValue?, port: Int?) -> Health? {
        guard case .object(let check)? = value else { return nil }
        var timeout = 30
        if case .int(let seconds)? = check["timeout"] { timeout = seconds }
        let start = "\(timeout)s"
        switch check["kind"] {
        case .string("exec")?:
            guard case .array(let argv)? = check["exec"] else { return nil }
            return Health(test: ["CMD"] + argv.compactMap { if case .string(let text) = $0 { return text } else { return nil } }, startPeriod: start)
        case .string("tcp")?:
            guard let port else { return nil }
            return Health(test: ["CMD-SHELL", "nc -z 127.0.0.1 \(port) || python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", \(port)), 2)'"],
                          startPeriod: start)
        default:
            guard let port else { return nil }
            var path = "/health"
            if case .string(let text)? = check["path"] { path = text }
            let url = "http://127.0.0.1:\(port)\(path.hasPrefix("/") ? path : "/" + path)"
            let quoted = "'" + url.replacingOccurrences(of: "'", with: "'\\''") + "'"
            return Health(test: ["CMD-SHELL", "wget -q -O /dev/null \(quoted) || curl -fsS -o /dev/null \(quoted) || python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' \(quoted)"],
                          startPeriod: start)
        }
    }
}
