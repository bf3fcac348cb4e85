/// Where a config value was written: file (relative to the project root), line, column.
public struct SourceLocation: Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// A YAML value with the location it came from, kept through overlays and templates so
/// every issue and every `crank config` value can name its file and line.
public struct ConfigNode: Equatable, Sendable {
    public enum Value: Equatable, Sendable {
        case null
        /// A scalar and the type YAML resolved it to.
        case scalar(String, ScalarType)
        case sequence([ConfigNode])
        /// Ordered entries, as written.
        case mapping([Entry])
    }

    public enum ScalarType: Equatable, Sendable {
        case string, int, float, bool
    }

    public struct Entry: Equatable, Sendable {
        public var key: String
        public var keyLocation: SourceLocation
        public var value: ConfigNode
    }

    public var value: Value
    public var location: SourceLocation

    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }

    public var entries: [Entry]? {
        if case .mapping(let entries) = value { return entries }
        return nil
    }

    public subscript(key: String) -> ConfigNode? {
        entries?.last { $0.key == key }?.value
    }

    public var string: String? {
        if case .scalar(let text, _) = value { return text }
        return nil
    }

    /// What a YAML reader would call this value, for "wrong type" messages.
    public var typeName: String {
        switch value {
        case .null: return "null"
        case .scalar(_, .string): return "a string"
        case .scalar(_, .int): return "an integer"
        case .scalar(_, .float): return "a number"
        case .scalar(_, .bool): return "a boolean"
        case .sequence: return "a list"
        case .mapping: return "a map"
        }
    }

    /// The value as JSON (scalars keep their YAML types).
    public var json: JSONValue {
        switch value {
        case .null: return .null
        case .scalar(let text, .string): return .string(text)
        case .scalar(let text, .int): return Int(text).map(JSONValue.int) ?? .string(text)
        case .scalar(let text, .float): return Double(text).map(JSONValue.double) ?? .string(text)
        case .scalar(let text, .bool): return .bool(["true", "yes", "on"].contains(text.lowercased()))
        case .sequence(let items): return .array(items.map(\.json))
        case .mapping(let entries):
            var object: [String: JSONValue] = [:]
            for entry in entries { object[entry.key] = entry.value.json }
            return .object(object)
        }
    }
}
