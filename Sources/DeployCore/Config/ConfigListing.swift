/// `crank config`: the effective values with the layer (file:line) each came from,
/// secret values redacted.
public struct ConfigListing: Sendable, Encodable {
    public struct Value: Sendable, Encodable, Equatable {
        public var path: String
        public var value: JSONValue
        /// `file:line` of the layer that set it.
        public var source: String
    }

    public var environment: String?
    public var layers: [String]
    public var config: JSONValue
    public var values: [Value]

    public init(effective: EffectiveConfig, redactor: Redactor) {
        environment = effective.environment
        layers = effective.layers
        config = Self.redacted(effective.tree.json, redactor)
        values = effective.tree.leaves().map { leaf in
            Value(path: leaf.path, value: Self.redacted(leaf.node.json, redactor),
                  source: "\(leaf.node.location.file):\(leaf.node.location.line)")
        }
    }

    static func redacted(_ value: JSONValue, _ redactor: Redactor) -> JSONValue {
        switch value {
        case .string(let text): return .string(redactor.redact(text))
        case .array(let items): return .array(items.map { redacted($0, redactor) })
        case .object(let object): return .object(object.mapValues { redacted($0, redactor) })
        default: return value
        }
    }
}
