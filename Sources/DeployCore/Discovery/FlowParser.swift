/// What one file contributes to discovery.
public struct ParsedFile: Equatable, Sendable {
    public var flows: [Flow] = []
    public var diagnostics: [Diagnostic] = []
    /// Top-level module names imported anywhere in the file (absolute imports).
    public var imports: [String] = []
}

/// Walks the logical lines of a tokenized file: imports and module-level names (to
/// resolve decorators), class and def blocks, decorators and signatures.
struct FlowParser {
    enum Scope: Equatable {
        case conditional
        case classBody(String)
        case function
    }

    /// The tokens of the current chunk (see `PythonTokenizer.next(into:)`).
    var view: SourceView
    let file: String
    var bindings: [String: ModuleBinding] = [:]
    var scopes: [Scope] = []
    var pendingBlock: (scope: Scope, line: Int)?
    var decorators: [Range<Int>] = []
    var result = ParsedFile()
    var imports: Set<String> = []


    /// Parses a tokenized file. Throws when its structure is not valid Python.
    static func parse(_ view: SourceView, file: String) throws(PythonSyntaxError) -> ParsedFile {
        var parser = FlowParser(view: view, file: file)
        try parser.run()
        return parser.finish()
    }

    /// Tokenizes and parses `source` chunk by chunk (see `PythonTokenizer.next(into:)`), so
    /// at most about `chunkMinimum` tokens are held at once; `tokens` is the reused buffer.
    static func parse(
        _ source: UnsafeBufferPointer<UInt8>, file: String, chunkMinimum: Int, tokens: inout [PythonToken]
    ) throws(PythonSyntaxError) -> ParsedFile {
        let empty = SourceView(src: source, tokens: [])
        var tokenizer = PythonTokenizer(source: source, chunkMinimum: chunkMinimum)
        var parser = FlowParser(view: empty, file: file)
        var finished = false
        while !finished {
            parser.view = empty  // drops its reference, so refilling `tokens` does not copy them
            finished = try tokenizer.next(into: &tokens)
            parser.view = SourceView(src: source, tokens: tokens)
            try parser.run()
        }
        parser.view = empty
        return parser.finish()
    }

    /// The result, once every chunk has been run.
    mutating func finish() -> ParsedFile {
        result.imports = imports.sorted()
        for index in result.flows.indices {
            result.flows[index].imports = result.imports
        }
        return result
    }

    var inFunction: Bool { scopes.contains(.function) }
    var atModuleLevel: Bool { scopes.allSatisfy { $0 == .conditional } }
    var isConditional: Bool { scopes.contains(.conditional) }

    /// Parses the current chunk; state (scopes, bindings, results) carries over to the next.
    mutating func run() throws(PythonSyntaxError) {
        var pos = 0
        while pos < view.tokens.count {
            switch view.kind(pos) {
            case .endMarker:
                if let decorator = decorators.first {
                    throw PythonSyntaxError(line: view.line(decorator.lowerBound - 1), message: "decorator is not followed by a def or class")
                }
                return
            case .indent:
                guard let block = pendingBlock else {
                    throw PythonSyntaxError(line: view.line(pos + 1), message: "unexpected indent")
                }
                scopes.append(block.scope)
                pendingBlock = nil
                pos += 1
            case .dedent:
                if !scopes.isEmpty { scopes.removeLast() }
                pos += 1
            case .newline:
                pos += 1
            default:
                var end = pos
                while view.kind(end) != .newline && view.kind(end) != .endMarker { end += 1 }
                try statement(pos..<end)
                pos = end + 1
                if let block = pendingBlock, view.kind(pos) != .indent {
                    throw PythonSyntaxError(line: block.line, message: "expected an indented block")
                }
            }
        }
    }

    mutating func statement(_ range: Range<Int>) throws(PythonSyntaxError) {
        let first = range.lowerBound
        if view.is(first, "@") {
            guard range.count > 1 else { throw PythonSyntaxError(line: view.line(first), message: "invalid syntax") }
            decorators.append((first + 1)..<range.upperBound)
            return
        }
        if view.is(first, "def") || (view.is(first, "async") && view.is(first + 1, "def")) {
            try definition(range, isAsync: view.is(first, "async"))
            return
        }
        if view.is(first, "class") {
            try classDefinition(range)
            return
        }
        if let decorator = decorators.first {
            throw PythonSyntaxError(line: view.line(decorator.lowerBound - 1), message: "decorator is not followed by a def or class")
        }
        let opensBlock = view.is(range.upperBound - 1, ":")
        if isCompoundKeyword(first) && (opensBlock || !(view.is(first, "match") || view.is(first, "case"))) {
            guard let colon = headerColon(range) else {
                throw PythonSyntaxError(line: view.line(first), message: "expected ':'")
            }
            if colon == range.upperBound - 1 {
                pendingBlock = (.conditional, view.line(first))
            } else {
                simpleStatements((colon + 1)..<range.upperBound, conditional: true)
            }
            return
        }
        if opensBlock {
            pendingBlock = (.conditional, view.line(first))
            return
        }
        simpleStatements(range, conditional: isConditional)
    }

    func isCompoundKeyword(_ index: Int) -> Bool {
        guard view.kind(index) == .name else { return false }
        return view.is(index, "if") || view.is(index, "elif") || view.is(index, "else") || view.is(index, "try")
            || view.is(index, "except") || view.is(index, "finally") || view.is(index, "with") || view.is(index, "for")
            || view.is(index, "while") || view.is(index, "async") || view.is(index, "match") || view.is(index, "case")
    }

    /// The `:` ending a compound statement's header (skipping lambdas' colons).
    func headerColon(_ range: Range<Int>) -> Int? {
        var depth = 0
        var lambdas = 0
        for index in range {
            if depth == 0 {
                if view.is(index, "lambda") { lambdas += 1 }
                if view.is(index, ":") {
                    if lambdas == 0 { return index }
                    lambdas -= 1
                }
            }
            depth += view.bracketDelta(index)
        }
        return nil
    }

    mutating func simpleStatements(_ range: Range<Int>, conditional: Bool) {
        // Inside classes and functions only imports matter (for `imports`): skip the rest cheaply.
        // (`import` can only start a statement, so look at starts: the first token and after `;`.)
        if !atModuleLevel && !view.is(range.lowerBound, "import") && !view.is(range.lowerBound, "from")
            && !range.contains(where: { view.is($0, ";") }) { return }
        for piece in view.split(range, on: ";") {
            if view.is(piece.lowerBound, "import") {
                importStatement(piece, conditional: conditional)
            } else if view.is(piece.lowerBound, "from") {
                fromImport(piece, conditional: conditional)
            } else if atModuleLevel {
                assignment(piece, conditional: conditional)
            }
        }
    }

    mutating func classDefinition(_ range: Range<Int>) throws(PythonSyntaxError) {
        decorators = []
        let nameIndex = range.lowerBound + 1
        guard nameIndex < range.upperBound, view.kind(nameIndex) == .name, let colon = headerColon(range) else {
            throw PythonSyntaxError(line: view.line(range.lowerBound), message: "invalid class definition")
        }
        let name = view.text(nameIndex)
        if atModuleLevel { rebind(nameIndex) }
        if colon == range.upperBound - 1 {
            pendingBlock = (.classBody(name), view.line(range.lowerBound))
        }
    }

    /// A module-level `def`/`class` named by token `index` rebinds that name. Only names
    /// already bound matter (an unbound name resolves to nothing anyway), so most defs
    /// cost a few byte comparisons, not a dictionary write.
    mutating func rebind(_ index: Int, conditional: Bool? = nil) {
        guard !bindings.isEmpty, let name = bindings.keys.first(where: { view.equals(index, $0) }) else { return }
        bind(name, .other, conditional: conditional ?? isConditional)
    }

    /// Module-level names change what later decorators resolve to. A binding made
    /// inside a conditional block (an `except ImportError:` fallback) does not hide a
    /// Prefect import made elsewhere.
    mutating func bind(_ name: String, _ value: ModuleBinding, conditional: Bool) {
        if conditional, let existing = bindings[name], existing.isPrefect, !value.isPrefect { return }
        bindings[name] = value
    }
}
