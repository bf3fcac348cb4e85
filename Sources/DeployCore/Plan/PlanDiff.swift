/// `crank plan`: the desired deployments against the live release, field by field.
public struct PlanDiff: Equatable, Sendable, Encodable {
    public enum Action: String, Sendable, Encodable {
        case create, update, delete, unchanged
    }

    public struct FieldChange: Equatable, Sendable, Encodable {
        public var field: String
        public var from: JSONValue
        public var to: JSONValue
    }

    public struct Change: Equatable, Sendable, Encodable {
        public var name: String
        public var action: Action
        public var role: String
        public var kind: String
        public var changes: [FieldChange]
    }

    public var environment: String
    @Nullable public var liveRelease: String?
    /// What the desired state was compared with: the live release's record (local) or
    /// what a Prefect server has now.
    public var comparedWith = "the live release"
    public var deployments: [Change]
    /// An environment with hosts and `rollout:`: the batches a deploy would change the hosts of
    /// the created and updated deployments in (absent otherwise).
    public var rollout: RolloutPlan?
    /// `deploy --dry-run` of an environment with hosts: the commands the deploy runs there.
    public var remoteCommands: [RemoteStep]?
    /// The `pre_deploy` and `post_deploy` hooks a deploy would run, in order (see `addHooks`).
    public var hooks: [Hook] = []

    public var hasChanges: Bool { deployments.contains { $0.action != .unchanged } }

    enum CodingKeys: String, CodingKey { case environment, liveRelease = "live_release", comparedWith = "compared_with", deployments, rollout, remoteCommands = "remote_commands", hooks }

    public static func compute(environment: String, desired: [RenderedDeployment], live: (id: String, deployments: [RenderedDeployment])?) -> PlanDiff {
        let current = Dictionary((live?.deployments ?? []).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var changes: [Change] = []
        for deployment in desired {
            guard let old = current[deployment.name] else {
                changes.append(Change(name: deployment.name, action: .create, role: deployment.role.rawValue, kind: deployment.kind.rawValue, changes: []))
                continue
            }
            let fields = fieldChanges(from: old, to: deployment)
            changes.append(Change(name: deployment.name, action: fields.isEmpty ? .unchanged : .update,
                                  role: deployment.role.rawValue, kind: deployment.kind.rawValue, changes: fields))
        }
        let desiredNames = Set(desired.map(\.name))
        for old in live?.deployments ?? [] where !desiredNames.contains(old.name) {
            changes.append(Change(name: old.name, action: .delete, role: old.role.rawValue, kind: old.kind.rawValue, changes: []))
        }
        return PlanDiff(environment: environment, liveRelease: live?.id, deployments: changes)
    }

    /// Differences between two renderings; maps (env, parameters, …) one level deep, and
    /// secret fingerprints only as "(changed)" — never a value or a fingerprint.
    static func fieldChanges(from old: RenderedDeployment, to new: RenderedDeployment) -> [FieldChange] {
        var changes: [FieldChange] = []
        if old.kind != new.kind { changes.append(FieldChange(field: "kind", from: .string(old.kind.rawValue), to: .string(new.kind.rawValue))) }
        if old.target != new.target { changes.append(FieldChange(field: "target", from: .string(old.target.rawValue), to: .string(new.target.rawValue))) }
        for key in Set(old.spec.keys).union(new.spec.keys).sorted() {
            let before = old.spec[key] ?? .null
            let after = new.spec[key] ?? .null
            guard before != after else { continue }
            switch (key, before, after) {
            case ("secret_fingerprints", .object(let a), .object(let b)):
                for name in Set(a.keys).union(b.keys).sorted() where a[name] != b[name] {
                    changes.append(FieldChange(field: "secret \(name)", from: .string(a[name] == nil ? "(unset)" : "(set)"),
                                               to: .string(b[name] == nil ? "(removed)" : "(changed)")))
                }
            case (_, .object(let a), .object(let b)):
                for name in Set(a.keys).union(b.keys).sorted() where a[name] != b[name] {
                    changes.append(FieldChange(field: "\(key).\(name)", from: a[name] ?? .null, to: b[name] ?? .null))
                }
            default:
                changes.append(FieldChange(field: key, from: before, to: after))
            }
        }
        return changes
    }
}
