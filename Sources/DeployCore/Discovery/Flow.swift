/// A Prefect flow found statically in Python source.
public struct Flow: Equatable, Sendable, Codable {
    /// The flow name Prefect registers: `name=` or the function name with `_` → `-`.
    public var name: String
    /// The function, `Class.method` for methods.
    public var function: String
    /// Path relative to the project root, `/`-separated.
    public var file: String
    /// 1-based line of the `def`.
    public var line: Int
    /// `file:function`, as Prefect deployments expect.
    public var entrypoint: String
    public var isAsync: Bool
    public var parameters: [FlowParameter]
    /// `description=` or the first line of the docstring.
    @Nullable public var description: String?
    /// Literal keyword arguments of the decorator (`retries`, `tags`, `version`, …).
    public var decorator: [String: JSONValue]
    /// Top-level module names the file imports (absolute imports only).
    public var imports: [String]

    public init(
        name: String, function: String, file: String, line: Int, isAsync: Bool = false,
        parameters: [FlowParameter] = [], description: String? = nil,
        decorator: [String: JSONValue] = [:], imports: [String] = []
    ) {
        self.name = name
        self.function = function
        self.file = file
        self.line = line
        self.entrypoint = "\(file):\(function)"
        self.isAsync = isAsync
        self.parameters = parameters
        self.description = description
        self.decorator = decorator
        self.imports = imports
    }

    enum CodingKeys: String, CodingKey {
        case name, function, file, line, entrypoint, isAsync = "async", parameters, description, decorator, imports
    }
}

/// One parameter of a flow function's signature.
public struct FlowParameter: Equatable, Sendable, Codable {
    public enum Kind: String, Sendable, Codable {
        case positionalOnly = "positional_only"
        case positionalOrKeyword = "positional_or_keyword"
        case varPositional = "var_positional"
        case keywordOnly = "keyword_only"
        case varKeyword = "var_keyword"
    }

    public var name: String
    /// The annotation's source text, or nil.
    @Nullable public var annotation: String?
    /// The default's source text exactly as written, or nil.
    @Nullable public var `default`: String?
    public var kind: Kind
    public var required: Bool

    public init(name: String, annotation: String? = nil, default: String? = nil, kind: Kind = .positionalOrKeyword) {
        self.name = name
        self.annotation = annotation
        self.default = `default`
        self.kind = kind
        self.required = `default` == nil && kind != .varPositional && kind != .varKeyword
    }

}
