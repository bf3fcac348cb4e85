/// Which config deployment a server deployment is. Prefect knows a deployment by its flow
/// and name (`ingestion/prod`); crank by its config key. Without `name:` overrides the two
/// names are the same and no lookup is needed; with them, the flows' ids are looked up once
/// and each server deployment is matched on (flow id, name).
enum PrefectServerKeys {
    /// The Prefect name a rendered flow deployment registers under.
    static func prefectName(_ deployment: RenderedDeployment) -> String {
        if case .string(let name)? = deployment.spec["deployment_name"] { return name }
        return deployment.name
    }

    /// The flows whose ids are needed: none unless some deployment has its own `name:`.
    static func flowNamesNeeded(_ known: [RenderedDeployment]) -> [String] {
        guard known.contains(where: { $0.spec["deployment_name"] != nil }) else { return [] }
        return Array(Set(known.compactMap { if case .string(let flow)? = $0.spec["flow_name"] { return flow } else { return nil } })).sorted()
    }

    /// `list` (server deployments) by config key. Earlier entries of `known` win a key (pass
    /// the desired deployments before the live release's). A server deployment no known one
    /// matches keeps its own name, made unique against the keys taken (`name#<flow id>`).
    static func keyed(_ list: [JSONValue], known: [RenderedDeployment], flowIDs: [String: String]) -> [String: JSONValue] {
        var keyByIdentity: [String: String] = [:]
        var claimed = Set<String>()
        if !flowIDs.isEmpty {
            for deployment in known where !claimed.contains(deployment.name) {
                guard case .string(let flow)? = deployment.spec["flow_name"], let id = flowIDs[flow] else { continue }
                let identity = id + "\u{0}" + prefectName(deployment)
                if keyByIdentity[identity] == nil { keyByIdentity[identity] = deployment.name; claimed.insert(deployment.name) }
            }
        }
        var byKey: [String: JSONValue] = [:]
        var unmatched: [(String, String, JSONValue)] = []
        for item in list {
            guard case .object(let object) = item, case .string(let name)? = object["name"] else { continue }
            let flowID: String
            if case .string(let id)? = object["flow_id"] { flowID = id } else { flowID = "" }
            if flowIDs.isEmpty {
                byKey[name] = item  // no overrides anywhere: the Prefect name is the key
            } else if let key = keyByIdentity[flowID + "\u{0}" + name] {
                byKey[key] = item
            } else {
                unmatched.append((name, flowID, item))
            }
        }
        for (name, flowID, item) in unmatched {
            let key = byKey[name] == nil && !claimed.contains(name) ? name : "\(name)#\(flowID.prefix(8))"
            byKey[key] = item
        }
        return byKey
    }
}
