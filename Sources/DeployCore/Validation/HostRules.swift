import Foundation

/// An environment's `hosts:`, `roles:` and `ssh:`: each field's characters (they reach an ssh
/// command line), roles naming declared hosts, the key and known_hosts files existing.
extension ProjectValidator {
    static let addressRule = "an IP address or DNS name of letters, digits and . : _ - (IPv6 without brackets), not starting with -"
    static let userRule = "a login name: a letter or _, then letters, digits and . _ -"
    static let remotePathRule = "a directory on the host: no control characters, no leading -, no .. (relative paths start at the login home)"

    func hostEnvironmentChecks() -> [ConfigIssue] {
        guard let spec = currentEnvironment else { return [] }
        let keys = ["environments", spec.name]
        var issues: [ConfigIssue] = []
        if spec.target == .prefect && spec.hasHosts {
            issues.append(ConfigIssue(.targetMismatch, at: effective.keyLocation("environments.\(spec.name).hosts"), path: ConfigKeys.path(keys + ["hosts"]),
                                      message: "environment '\(spec.name)' deploys to Prefect, whose own workers run the flows: it cannot have hosts",
                                      hint: "remove `hosts:` (and `roles:`, `ssh:`) from it, or use `target: local` or `target: container` for an environment on hosts"))
        }
        for host in spec.hosts {
            let hostKeys = keys + ["hosts", host.name]
            if let node = ConfigKeys.node(hostKeys + ["address"], in: effective.tree), node.value != .null, !TextRules.isHostAddress(host.address) {
                issues.append(invalid(hostKeys + ["address"], host.address, rule: Self.addressRule))
            }
            if let user = host.user, !TextRules.isUserName(user) {
                issues.append(invalid(hostKeys + ["user"], user, rule: Self.userRule))
            }
            if !TextRules.isRemotePath(host.root) {
                issues.append(invalid(hostKeys + ["root"], host.root, rule: Self.remotePathRule))
            }
        }
        let names = Set(spec.hosts.map(\.name))
        let roleOrder = ConfigKeys.node(keys + ["roles"], in: effective.tree)?.entries?.map(\.key) ?? []
        for role in roleOrder {
            for (index, name) in (spec.roles[role] ?? []).enumerated() where !names.contains(name) {
                let itemKeys = keys + ["roles", role, "[\(index)]"]
                issues.append(unknownHost(name, in: spec, at: ConfigKeys.node(itemKeys, in: effective.tree)?.location, path: ConfigKeys.path(itemKeys)))
            }
        }
        return issues + sshChecks(spec, keys: keys + ["ssh"])
    }

    func sshChecks(_ spec: EnvironmentSpec, keys: [String]) -> [ConfigIssue] {
        guard spec.hasHosts else { return [] }
        let written = { (key: String, absolute: String) in ConfigKeys.node(keys + [key], in: self.effective.tree)?.string ?? absolute }
        let at = { (key: String) in ConfigKeys.node(keys + [key], in: self.effective.tree)?.location }
        var issues: [ConfigIssue] = []
        if let file = spec.ssh.identityFile, !FileManager.default.fileExists(atPath: file) {
            let path = written("identity_file", file)
            issues.append(ConfigIssue(.missingFile, at: at("identity_file"), path: ConfigKeys.path(keys + ["identity_file"]),
                                      message: "ssh identity file \(TextRules.display(file)) does not exist",
                                      hint: "point identity_file at a private key (relative to the project root, or ~/…), or create one with `ssh-keygen -t ed25519 -f \(path)` and add \(path).pub to each host's ~/.ssh/authorized_keys"))
        }
        if let file = spec.ssh.knownHosts, !FileManager.default.fileExists(atPath: file) {
            let path = written("known_hosts", file)
            let byPort = Dictionary(grouping: spec.hosts.filter { TextRules.isHostAddress($0.address) }) { $0.port ?? 22 }  // never suggest running a bad address
            let scans = byPort.keys.sorted().map { port in
                "ssh-keyscan -p \(port) \(byPort[port]!.map(\.address).joined(separator: " ")) >> \(path)"
            }
            issues.append(ConfigIssue(.missingFile, at: at("known_hosts"), path: ConfigKeys.path(keys + ["known_hosts"]),
                                      message: "known_hosts file \(TextRules.display(path)) does not exist (crank checks host keys strictly)",
                                      hint: "collect the host keys once: `\(scans.joined(separator: "; "))`, then compare `ssh-keygen -lf \(path)` with the fingerprints the hosts show"))
        }
        if spec.ssh.identityFile != nil, spec.ssh.identitySecret != nil {
            issues.append(ConfigIssue(.conflictingKeys, at: effective.keyLocation(ConfigKeys.path(keys + ["identity_secret"])), path: ConfigKeys.path(keys + ["identity_secret"]),
                                      message: "ssh.identity_file and ssh.identity_secret are both set",
                                      hint: "keep one: a key file on this machine, or the name of a secret holding the key"))
        }
        if let secret = spec.ssh.identitySecret {
            let path = ConfigKeys.path(keys + ["identity_secret"])
            if !TextRules.isEnvironmentName(secret) {
                issues.append(ConfigIssue(.invalidName, at: at("identity_secret"), path: path,
                                          message: "secret name \(TextRules.display(secret)) is not an environment variable name",
                                          hint: "use letters, digits and '_' (e.g. DEPLOY_SSH_KEY)"))
            } else if secrets.value(secret) == nil {
                issues.append(ConfigIssue(.missingSecret, at: at("identity_secret"), path: path,
                                          message: "secret \(secret) (the ssh private key) has no value",
                                          hint: "export \(secret)=\"$(cat ~/.ssh/id_ed25519)\" (the key's text), or add it to \(SecretStore.file(for: spec.name)) (git-ignored)"))
            }
        }
        return issues
    }
}
