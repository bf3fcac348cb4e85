/// The hooks in a plan: what a deploy of it would run — the environment's `pre_deploy` and
/// `post_deploy` hooks when anything changes, a deployment's when it is created or updated.
extension PlanDiff {
    public mutating func addHooks(_ recorded: [Hook]) {
        guard hasChanges else {
            hooks = []
            return
        }
        let started = Set(deployments.filter { $0.action == .create || $0.action == .update }.map(\.name))
        hooks = HookPhase(.preDeploy, of: recorded, deployments: started).hooks + HookPhase(.postDeploy, of: recorded, deployments: started).hooks
    }
}

extension Hook: Encodable {
    enum CodingKeys: String, CodingKey { case phase, run, timeoutSeconds = "timeout_seconds", on, scope }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(phase, forKey: .phase)
        try container.encode(run, forKey: .run)
        try container.encode(timeout, forKey: .timeoutSeconds)
        try container.encode(deployment, forKey: .on)
        try container.encode(scope, forKey: .scope)
    }
}
