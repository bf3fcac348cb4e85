/// One machine of an environment (`environments.<env>.hosts.<name>`), reached over SSH.
public struct HostSpec: Equatable, Sendable, Codable {
    public var name: String
    /// An IP address (v4 or v6, without brackets) or a DNS name.
    public var address: String
    /// nil: ssh's default (22) or the ssh config's.
    public var port: Int?
    /// nil: the ssh config's user, else the current user.
    public var user: String?
    /// Where releases live on that host; relative paths are relative to the login home.
    public var root: String

    public init(name: String, address: String, port: Int? = nil, user: String? = nil, root: String) {
        self.name = name
        self.address = address
        self.port = port
        self.user = user
        self.root = root
    }

    /// `root` when a host does not give one.
    public static func defaultRoot(project: String) -> String { "crank/" + project }
}

/// `environments.<env>.ssh`: how crank reaches the environment's hosts.
public struct SSHSettings: Equatable, Sendable, Codable {
    /// A private key file, absolute after loading (written relative to the project root, or `~/…`).
    public var identityFile: String?
    /// The name of a secret holding a private key (instead of `identityFile`).
    public var identitySecret: String?
    /// The known_hosts file checked strictly, absolute after loading (relative to the project root).
    public var knownHosts: String?
    /// Hosts worked on at once.
    public var maxParallel = 10
    /// Seconds ssh waits for a connection.
    public var connectTimeout = 10

    public init() {}
}

extension EnvironmentSpec {
    /// Whether this environment runs on remote hosts (else on this machine, as without hosts).
    public var hasHosts: Bool { !hosts.isEmpty }

    /// The hosts a deployment runs on: those of its `role:` and its `hosts:`, in the
    /// environment's host order, each once; empty when the environment has no hosts.
    public func hosts(for deployment: DeploymentSpec) -> [HostSpec] {
        var names = Set(deployment.hosts)
        if let role = deployment.role { names.formUnion(roles[role] ?? []) }
        return hosts.filter { names.contains($0.name) }
    }
}
