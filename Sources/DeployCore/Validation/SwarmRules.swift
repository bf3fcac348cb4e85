/// `target: swarm`: its deployments are `kind: container` services and workers (a flow is
/// Prefect's), `swarm:` belongs to swarm environments only, `replicas:`/`publish:` mean nothing
/// elsewhere, and the Docker host is a URL the docker CLI accepts.
extension ProjectValidator {
    static let dockerHostRule = "a Docker API address: unix:///path, tcp://host:port or ssh://user@host"

    func swarmChecks() -> [ConfigIssue] {
        guard let spec = currentEnvironment else { return [] }
        let keys = ["environments", spec.name]
        var issues: [ConfigIssue] = []
        guard spec.target == .swarm else {
            if let node = ConfigKeys.node(keys + ["swarm"], in: effective.tree), node.value != .null {
                issues.append(ConfigIssue(.targetMismatch, at: effective.keyLocation("environments.\(spec.name).swarm"), path: ConfigKeys.path(keys + ["swarm"]),
                                          message: "environment '\(spec.name)' has `swarm:` settings but `target: \(spec.target.rawValue)`",
                                          hint: "set `target: swarm` for it, or remove its `swarm:` block"))
            }
            for deployment in effective.config.deployments where deployment.replicas != nil || deployment.publish != nil {
                let key = deployment.replicas != nil ? "replicas" : "publish"
                issues.append(ConfigIssue(.targetMismatch, at: effective.keyLocation("deployments.\(deployment.name).\(key)"),
                                          path: "deployments.\(deployment.name).\(key)",
                                          message: "`\(key):` of '\(deployment.name)' applies to `target: swarm` environments only; '\(spec.name)' ignores it",
                                          hint: "set it in the swarm environment's overlay (deployment/environments/<env>.yaml) instead of crank.yaml",
                                          severity: .warning))
            }
            return issues
        }
        if let host = spec.swarm.dockerHost, !Self.isDockerHost(host) {
            issues.append(invalid(keys + ["swarm", "docker_host"], host, rule: Self.dockerHostRule))
        }
        if spec.hasHosts {
            issues.append(ConfigIssue(.targetMismatch, at: effective.keyLocation("environments.\(spec.name).hosts"), path: ConfigKeys.path(keys + ["hosts"]),
                                      message: "environment '\(spec.name)' runs on a swarm, which places tasks on its nodes itself: it cannot have hosts",
                                      hint: "remove `hosts:` (and `roles:`, `ssh:`); point `swarm.docker_host` at a manager instead"))
        }
        for deployment in effective.config.deployments where deployment.kind != .container || deployment.flow != nil {
            let path = "deployments.\(deployment.name)"
            issues.append(ConfigIssue(.targetMismatch, at: effective.keyLocation(path), path: path + ".kind",
                                      message: deployment.flow != nil
                                          ? "flow deployment '\(deployment.name)' is registered with Prefect, not run as a Swarm service in '\(spec.name)'"
                                          : "'\(deployment.name)' is a `kind: python` process; a swarm environment runs `kind: container` services and workers",
                                      hint: deployment.flow != nil
                                          ? "remove it from this environment with `\(deployment.name): null` in deployment/environments/\(spec.name).yaml"
                                          : "set `kind: container` for it in deployment/environments/\(spec.name).yaml (or remove it there with `\(deployment.name): null`)"))
        }
        for deployment in effective.config.deployments {
            let redactor = secrets.redactor(for: effective.config.deployments.flatMap(\.secrets))
            var env = spec.env
            env.merge(deployment.env) { _, own in own }
            for (variable, value) in env.sorted(by: { $0.key < $1.key }) {
                guard let secret = redactor.secretName(in: value) else { continue }
                let path = "deployments.\(deployment.name).env.\(variable)"
                issues.append(ConfigIssue(.secretPlacement, at: effective.location(path) ?? effective.keyLocation("deployments.\(deployment.name)"), path: path,
                                          message: "\(variable) of '\(deployment.name)' holds the value of secret \(secret): a Swarm service spec would show it to anyone who can `docker service inspect`",
                                          hint: "list \(secret) in the deployment's `secrets:` (crank makes it a Docker secret, exported as $\(secret) in the container) and read that variable instead"))
            }
        }
        for deployment in effective.config.deployments where deployment.publish != nil && deployment.port == nil {
            issues.append(ConfigIssue(.missingKey, at: effective.keyLocation("deployments.\(deployment.name).publish"), path: "deployments.\(deployment.name).port",
                                      message: "'\(deployment.name)' sets `publish:` but has no `port:` to publish",
                                      hint: "add `port:` to the deployment, or remove `publish:` (a worker publishes nothing)"))
        }
        return issues
    }

    static func isDockerHost(_ text: String) -> Bool {
        guard !text.contains(where: { $0.isWhitespace || $0.isNewline }), !text.hasPrefix("-") else { return false }
        for scheme in ["unix://", "tcp://", "ssh://", "npipe://", "fd://"] where text.hasPrefix(scheme) && text.count > scheme.count { return true }
        return false
    }
}
