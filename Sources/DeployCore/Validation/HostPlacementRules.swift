/// Where each deployment runs in an environment with hosts: services on a role's or their own
/// hosts, flows on none; and no two deployments on one port of one host (or of this machine).
extension ProjectValidator {
    /// A port on one host (nil: this machine).
    struct PlacedPort: Hashable {
        var host: String?
        var port: Int
    }

    var currentEnvironment: EnvironmentSpec? {
        effective.environment.flatMap { effective.config.environment($0) }
    }

    func placementChecks(_ deployment: DeploymentSpec, path: String) -> [ConfigIssue] {
        guard let spec = currentEnvironment else { return [] }
        let keys = (deployment.role != nil ? ["role"] : []) + (deployment.hosts.isEmpty ? [] : ["hosts"])
        let overlay = "\(ConfigLoader.overlayDirectory)/\(spec.name).yaml"
        if deployment.flow != nil {
            return keys.map { key in
                ConfigIssue(.invalidPlacement, at: effective.keyLocation(path + "." + key), path: path + "." + key,
                            message: "flow deployment '\(deployment.name)' cannot be placed on hosts: flows run where Prefect (or `prefect flow serve` on this machine) runs them",
                            hint: "remove `\(key):` from it (for one environment: `\(key): null` under deployments.\(deployment.name) in \(overlay))")
            }
        }
        guard deployment.command != nil, spec.target != .prefect else { return [] }
        guard spec.hasHosts else {
            return keys.map { key in
                ConfigIssue(.invalidPlacement, at: effective.keyLocation(path + "." + key), path: path + "." + key,
                            message: "deployment '\(deployment.name)' is placed with `\(key):`, but environment '\(spec.name)' runs on this machine (it has no hosts)",
                            hint: "add `hosts:` (and `roles:`) to environments.\(spec.name), or drop the placement there with `\(key): null` under deployments.\(deployment.name) in \(overlay)")
            }
        }
        var issues: [ConfigIssue] = []
        if let role = deployment.role, spec.roles[role] == nil {
            let roles = spec.roles.keys.sorted()
            let suggestion = Suggestion.closest(to: role, in: roles).map { "did you mean '\($0)'? " } ?? ""
            issues.append(ConfigIssue(.unknownRole, at: effective.location(path + ".role"), path: path + ".role",
                                      message: "environment '\(spec.name)' has no role '\(role)'",
                                      hint: "\(suggestion)roles of '\(spec.name)': \(roles.isEmpty ? "none (add `roles:` to the environment)" : roles.joined(separator: ", "))"))
        }
        let names = spec.hosts.map(\.name)
        for (index, name) in deployment.hosts.enumerated() where !names.contains(name) {
            let keys = ["deployments", deployment.name, "hosts", "[\(index)]"]
            issues.append(unknownHost(name, in: spec, at: ConfigKeys.node(keys, in: effective.tree)?.location, path: ConfigKeys.path(keys)))
        }
        guard issues.isEmpty, spec.hosts(for: deployment).isEmpty else { return issues }
        if let role = deployment.role {
            return [ConfigIssue(.missingPlacement, at: effective.location(path + ".role"), path: path + ".role",
                                message: "role '\(role)' of environment '\(spec.name)' lists no hosts, so service '\(deployment.name)' would run nowhere",
                                hint: "add hosts to environments.\(spec.name).roles.\(role), or give the deployment `hosts: [\(names[0])]`")]
        }
        let roleHint = spec.roles.keys.sorted().first.map { "`role: \($0)` (roles: \(spec.roles.keys.sorted().joined(separator: ", "))) or " } ?? ""
        return [ConfigIssue(.missingPlacement, at: effective.keyLocation(path), path: path,
                            message: "service '\(deployment.name)' runs on no host, and environment '\(spec.name)' runs on hosts (\(names.joined(separator: ", ")))",
                            hint: "add \(roleHint)`hosts: [\(names[0])]` to deployments.\(deployment.name) (in crank.yaml, or in \(overlay) for this environment only)")]
    }

    func unknownHost(_ name: String, in spec: EnvironmentSpec, at location: SourceLocation?, path: String) -> ConfigIssue {
        let names = spec.hosts.map(\.name)
        let suggestion = Suggestion.closest(to: name, in: names).map { "did you mean '\($0)'? " } ?? ""
        return ConfigIssue(.unknownHost, at: location, path: path,
                           message: "environment '\(spec.name)' has no host '\(name)'",
                           hint: "\(suggestion)hosts of '\(spec.name)': \(names.isEmpty ? "none (add `hosts:` to the environment)" : names.joined(separator: ", "))")
    }

    /// The deployment's port against those taken so far, per host when it runs on hosts.
    func portClashes(_ deployment: DeploymentSpec, port: Int, path: String, taken: inout [PlacedPort: String]) -> [ConfigIssue] {
        let hosts = currentEnvironment?.hosts(for: deployment).map(\.name) ?? []
        // A service on no host of an environment with hosts is reported by `placementChecks`.
        if hosts.isEmpty, deployment.command != nil, currentEnvironment?.hasHosts == true { return [] }
        var clashes: [(other: String, hosts: [String])] = []
        let places: [String?] = hosts.isEmpty ? [nil] : hosts
        for host in places {
            let key = PlacedPort(host: host, port: port)
            guard let other = taken[key] else {
                taken[key] = deployment.name
                continue
            }
            if let index = clashes.firstIndex(where: { $0.other == other }) {
                clashes[index].hosts += host.map { [$0] } ?? []
            } else {
                clashes.append((other, host.map { [$0] } ?? []))
            }
        }
        return clashes.map { clash in
            let on = clash.hosts.isEmpty ? "" : " on host\(clash.hosts.count > 1 ? "s" : "") \(clash.hosts.joined(separator: ", "))"
            return ConfigIssue(.portClash, at: effective.location(path + ".port"), path: path + ".port",
                               message: "port \(port)\(on) is also used by deployment '\(clash.other)'",
                               hint: hosts.isEmpty ? "give each service its own port (an overlay can change it per environment)"
                                   : "give each service on a host its own port, or place the two on different hosts")
        }
    }
}
