/// `hosts:`, `roles:` and `ssh:` of an environment. References between them (a role naming
/// an unknown host, …) are checked by the validator, which sees the deployments too.
extension ProjectConfigDecoder {
    static let hostKeys = ["address", "port", "user", "root"]
    static let sshKeys = ["identity_file", "identity_secret", "known_hosts", "max_parallel", "connect_timeout"]

    mutating func decodeHosts(_ node: ConfigNode, path: String, into spec: inout EnvironmentSpec) {
        for entry in reader.namedEntries(node["hosts"], path: path + ".hosts", what: "host") {
            if let host = host(entry, path: path + ".hosts." + entry.key) { spec.hosts.append(host) }
        }
        for entry in reader.namedEntries(node["roles"], path: path + ".roles", what: "role") {
            spec.roles[entry.key] = reader.strings(entry.value, path: path + ".roles." + entry.key) ?? []
        }
        if let ssh = node["ssh"], ssh.value != .null, reader.map(ssh, path: path + ".ssh", keys: Self.sshKeys) != nil {
            let key = { (name: String) in path + ".ssh." + name }
            spec.ssh.identityFile = reader.string(ssh["identity_file"], path: key("identity_file")).map(localPath)
            spec.ssh.identitySecret = reader.string(ssh["identity_secret"], path: key("identity_secret"))
            spec.ssh.knownHosts = reader.string(ssh["known_hosts"], path: key("known_hosts")).map(localPath)
            spec.ssh.maxParallel = reader.int(ssh["max_parallel"], path: key("max_parallel"), range: 1...1000) ?? spec.ssh.maxParallel
            spec.ssh.connectTimeout = reader.int(ssh["connect_timeout"], path: key("connect_timeout"), range: 1...300) ?? spec.ssh.connectTimeout
        }
    }

    /// A host entry; kept with an empty address when `address` is missing, so roles that
    /// name it are not also reported as naming an unknown host.
    mutating func host(_ entry: ConfigNode.Entry, path: String) -> HostSpec? {
        var host = HostSpec(name: entry.key, address: "", root: HostSpec.defaultRoot(project: project))
        if entry.value.value != .null {
            guard let node = reader.map(entry.value, path: path, keys: Self.hostKeys) else { return nil }
            host.address = reader.string(node["address"], path: path + ".address") ?? ""
            host.port = reader.int(node["port"], path: path + ".port", range: 1...65535)
            host.user = reader.string(node["user"], path: path + ".user")
            host.root = reader.string(node["root"], path: path + ".root") ?? host.root
            if let address = node["address"], address.value != .null { return host }
        }
        reader.issues.append(ConfigIssue(.missingKey, at: entry.keyLocation, path: path + ".address",
                                         message: "host '\(entry.key)' has no address",
                                         hint: "write it as `\(entry.key): {address: 10.0.0.11}` (an IP address or a DNS name)"))
        return host
    }

    /// A path on this machine: `~` and `~/…` from the home directory, others from the project root.
    func localPath(_ text: String) -> String {
        if text == "~" { return home }
        if text.hasPrefix("~/") { return PathResolver.absolute(String(text.dropFirst(2)), from: home) }
        return PathResolver.absolute(text, from: root)
    }
}
