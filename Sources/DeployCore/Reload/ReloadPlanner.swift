/// Why `crank reload` cannot start; nothing was changed.
public enum ReloadFailure: Error, Equatable {
    case notDeployed
    /// A named deployment is not in the live release (`known`: those that are).
    case unknownDeployment(String, known: [String])
    /// A flow, or a deployment in config that was never deployed.
    case notReloadable(String, reason: String)
    /// Fields other than the config changed (code, command, port, secrets): that is a deploy.
    case beyondConfig(deployment: String, fields: [String])
    /// The environment's target does not take reloads (yet); what it is, for people.
    case unsupportedTarget(String)
    case release(ReleaseEngine.Failure)
}

/// One deployment to reload: what runs (`running`) and what it becomes (`updated`: the same
/// spec with the config fields of the desired one), and how it is told.
public struct ReloadStep: Equatable, Sendable {
    public var running: RenderedDeployment
    public var updated: RenderedDeployment
    /// The running deployment's `reload:`; nil: it is restarted through the health gate.
    public var settings: ReloadSettings?
    /// Env keys added, removed or changed.
    public var changed: [String]

    public var method: String { settings?.summary ?? "restart" }
}

/// Pure: the live release's deployments and the config's rendered ones → the reload steps.
public enum ReloadPlanner {
    /// The fields a reload may change. `version` (the source revision) and a container's
    /// `image` (built from it) are kept from the live release: a reload ships no code, and a
    /// later deploy still sees the code change.
    static let configFields: Set<String> = ["env", "reload", "description"]
    static let ignored: Set<String> = ["version", "image"]

    /// `names` empty: every service and worker of the live release.
    public static func plan(live: [RenderedDeployment], desired: [RenderedDeployment], names: [String]) throws(ReloadFailure) -> [ReloadStep] {
        let services = live.filter { $0.role == .service }
        for name in names where !services.contains(where: { $0.name == name }) {
            if live.contains(where: { $0.name == name }) {
                throw .notReloadable(name, reason: "it is a flow: its parameters change with `crank deploy`")
            }
            if desired.contains(where: { $0.name == name }) {
                throw .notReloadable(name, reason: "it is not deployed yet: `crank deploy` starts it")
            }
            throw .unknownDeployment(name, known: services.map(\.name))
        }
        let selected = names.isEmpty ? services : services.filter { names.contains($0.name) }
        return try selected.map { (running: RenderedDeployment) throws(ReloadFailure) -> ReloadStep in
            // Removed from the config: it keeps running as it is (`crank deploy` removes it).
            guard let wanted = desired.first(where: { $0.name == running.name }) else {
                return ReloadStep(running: running, updated: running, settings: ReloadSettings(json: running.spec["reload"]), changed: [])
            }
            let keys = Set(running.spec.keys).union(wanted.spec.keys).subtracting(configFields).subtracting(ignored)
            let differing = keys.filter { running.spec[$0] ?? .null != wanted.spec[$0] ?? .null }.sorted()
            guard differing.isEmpty, running.kind == wanted.kind else {
                throw .beyondConfig(deployment: running.name, fields: running.kind == wanted.kind ? differing : ["kind"] + differing)
            }
            var updated = running
            for field in configFields { updated.spec[field] = wanted.spec[field] }
            // Told the way the running process was started to be told (a `reload:` added now
            // takes effect with this restart).
            return ReloadStep(running: running, updated: updated, settings: ReloadSettings(json: running.spec["reload"]),
                              changed: changedKeys(running.spec["env"], wanted.spec["env"]))
        }
    }

    static func changedKeys(_ old: JSONValue?, _ new: JSONValue?) -> [String] {
        guard case .object(let before) = old ?? .object([:]), case .object(let after) = new ?? .object([:]) else { return [] }
        return Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
    }
}
