/// One deployment as it will run: every field resolved, secrets as names and
/// fingerprints only. Its hash decides whether a deployment changed.
public struct RenderedDeployment: Equatable, Sendable {
    public enum Role: String, Sendable, Codable {
        case flow, service
    }

    public var name: String
    public var kind: DeploymentKind
    public var role: Role
    public var target: TargetKind
    /// The resolved fields, compared field by field by `crank plan`.
    public var spec: [String: JSONValue]

    public init(name: String, kind: DeploymentKind, role: Role, target: TargetKind, spec: [String: JSONValue]) {
        self.name = name
        self.kind = kind
        self.role = role
        self.target = target
        self.spec = spec
    }

    /// SHA-256 of the canonical (sorted, compact) JSON of everything above.
    public var specHash: String {
        var writer = JSONWriter()
        writer.value(json)
        return SHA256.hex(SHA256.digest(writer.bytes))
    }

    public var json: JSONValue {
        .object(["name": .string(name), "kind": .string(kind.rawValue), "role": .string(role.rawValue),
                 "target": .string(target.rawValue), "spec": .object(spec)])
    }

    public init?(json: JSONValue) {
        guard case .object(let object) = json, case .string(let name)? = object["name"],
              case .string(let kind)? = object["kind"], let kindValue = DeploymentKind(rawValue: kind),
              case .string(let role)? = object["role"], let roleValue = Role(rawValue: role),
              case .string(let target)? = object["target"], let targetValue = TargetKind(rawValue: target),
              case .object(let spec)? = object["spec"] else { return nil }
        self.init(name: name, kind: kindValue, role: roleValue, target: targetValue, spec: spec)
    }
}
