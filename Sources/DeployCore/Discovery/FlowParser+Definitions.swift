extension FlowParser {
    /// `[async] def NAME(params) [-> ann]: body`
    mutating func definition(_ range: Range<Int>, isAsync: Bool) throws(PythonSyntaxError) {
        let defIndex = range.lowerBound + (isAsync ? 1 : 0)
        let nameIndex = defIndex + 1
        let open = nameIndex + 1
        let line = view.line(defIndex)
        let invalid = PythonSyntaxError(line: line, message: "invalid function definition")
        guard open < range.upperBound, view.kind(nameIndex) == .name, view.is(open, "("),
              let close = view.matchingBracket(open, limit: range.upperBound)
        else { throw invalid }
        var colon = close + 1
        if view.is(colon, "->") {
            guard let found = view.firstTopLevel(":", in: (colon + 1)..<range.upperBound) else { throw invalid }
            colon = found
        }
        guard colon < range.upperBound, view.is(colon, ":") else { throw invalid }

        let flowCall = decorators.isEmpty ? nil : decorators.compactMap { flowDecoratorArguments($0) }.first
        decorators = []
        if let arguments = flowCall {
            let parameters = try self.parameters((open + 1)..<close)
            let docstring = docstringFirstLine(after: colon, lineEnd: range.upperBound)
            recordFlow(function: view.text(nameIndex), line: line, isAsync: isAsync, parameters: parameters,
                       docstring: docstring, arguments: arguments)
        }
        if atModuleLevel { rebind(nameIndex) }
        if colon == range.upperBound - 1 { pendingBlock = (.function, line) }
    }

    /// For a decorator that resolves to `prefect.flow`: the token range of its call
    /// arguments (empty without parentheses). Nil for any other decorator.
    func flowDecoratorArguments(_ range: Range<Int>) -> Range<Int>?? {
        guard let (_, next) = moduleBinding(at: range.lowerBound, limit: range.upperBound) else { return nil }
        var binding = bindings[view.text(range.lowerBound)] ?? .other
        var index = range.lowerBound + 1
        while index < next {
            binding = binding.attribute(view.text(index + 1))
            index += 2
        }
        guard binding == .prefectFlow else { return nil }
        if next == range.upperBound { return .some(nil) }
        guard view.is(next, "("), view.matchingBracket(next, limit: range.upperBound) == range.upperBound - 1 else {
            return nil
        }
        return .some((next + 1)..<(range.upperBound - 1))
    }

    mutating func parameters(_ inner: Range<Int>) throws(PythonSyntaxError) -> [FlowParameter] {
        var parameters: [FlowParameter] = []
        var keywordOnly = false
        for piece in view.split(inner, on: ",") {
            let first = piece.lowerBound
            if piece.count == 1 && view.is(first, "/") {
                for index in parameters.indices where parameters[index].kind == .positionalOrKeyword {
                    parameters[index].kind = .positionalOnly
                }
                continue
            }
            if piece.count == 1 && view.is(first, "*") {
                keywordOnly = true
                continue
            }
            var kind: FlowParameter.Kind = keywordOnly ? .keywordOnly : .positionalOrKeyword
            var nameIndex = first
            if view.is(first, "*") {
                kind = .varPositional
                keywordOnly = true
                nameIndex += 1
            } else if view.is(first, "**") {
                kind = .varKeyword
                nameIndex += 1
            }
            guard nameIndex < piece.upperBound, view.kind(nameIndex) == .name else {
                throw PythonSyntaxError(line: view.line(first), message: "invalid parameter list")
            }
            let equals = view.firstTopLevel("=", in: (nameIndex + 1)..<piece.upperBound)
            let annotationEnd = equals ?? piece.upperBound
            var annotation: String?
            if view.is(nameIndex + 1, ":"), nameIndex + 2 < annotationEnd {
                annotation = view.sourceText(nameIndex + 2, through: annotationEnd - 1)
            }
            var defaultText: String?
            if let equals, equals + 1 < piece.upperBound {
                defaultText = view.sourceText(equals + 1, through: piece.upperBound - 1)
            }
            parameters.append(FlowParameter(name: view.text(nameIndex), annotation: annotation, default: defaultText, kind: kind))
        }
        return parameters
    }

    /// The first non-empty line of the docstring: a string-only statement right after
    /// the `:` (same line) or as the first line of the indented body.
    func docstringFirstLine(after colon: Int, lineEnd: Int) -> String? {
        var range: Range<Int>
        if colon + 1 < lineEnd {
            let end = view.firstTopLevel(";", in: (colon + 1)..<lineEnd) ?? lineEnd
            range = (colon + 1)..<end
        } else {
            guard view.kind(lineEnd + 1) == .indent else { return nil }
            let start = lineEnd + 2
            var end = start
            while view.kind(end) != .newline && view.kind(end) != .endMarker { end += 1 }
            if let semicolon = view.firstTopLevel(";", in: start..<end) { end = semicolon }
            range = start..<end
        }
        if range.count == 1, view.kind(range.lowerBound) == .string, let line = view.firstLineOfString(range.lowerBound) {
            return line
        }
        guard let text = view.staticString(range) else { return nil }
        return Self.firstNonEmptyLine(text)
    }

    /// The first line with content, trimmed of ASCII whitespace (byte-level: this runs per flow).
    static func firstNonEmptyLine(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != Byte.newline, bytes[end] != Byte.carriageReturn { end += 1 }
            var first = start
            var last = end
            while first < last, bytes[first] == Byte.space || bytes[first] == Byte.tab || bytes[first] == Byte.formFeed { first += 1 }
            while last > first, bytes[last - 1] == Byte.space || bytes[last - 1] == Byte.tab || bytes[last - 1] == Byte.formFeed { last -= 1 }
            if first < last { return String(decoding: bytes[first..<last], as: UTF8.self) }
            start = end + 1
        }
        return nil
    }

    mutating func recordFlow(
        function: String, line: Int, isAsync: Bool, parameters: [FlowParameter],
        docstring: String?, arguments: Range<Int>?
    ) {
        if inFunction {
            result.diagnostics.append(Diagnostic(
                file: file, line: line, severity: .warning, code: .nestedFlow,
                message: "flow '\(function)' is defined inside a function body; Prefect cannot load it from an entrypoint, so it is not listed",
                hint: "move '\(function)' to module level to deploy it"))
            return
        }
        let classPath = scopes.compactMap { scope -> String? in
            if case .classBody(let name) = scope { return name }
            return nil
        }
        let qualified = (classPath + [function]).joined(separator: ".")
        var keywords: [String: JSONValue] = [:]
        var dynamicName = false
        for piece in arguments.map({ view.split($0, on: ",") }) ?? [] {
            guard piece.count >= 3, view.kind(piece.lowerBound) == .name, view.is(piece.lowerBound + 1, "=") else { continue }
            let key = view.text(piece.lowerBound)
            let value = view.literal((piece.lowerBound + 2)..<piece.upperBound) { name in
                if case .stringConstant(let text)? = bindings[name] { return text }
                return nil
            }
            if let value { keywords[key] = value } else if key == "name" { dynamicName = true }
        }
        let defaultName = function.replacingUnderscores()
        var name = defaultName
        if case .string(let given)? = keywords["name"] { name = given } else if keywords["name"] != nil { dynamicName = true }
        if dynamicName {
            result.diagnostics.append(Diagnostic(
                file: file, line: line, severity: .warning, code: .dynamicName,
                message: "the name of flow '\(qualified)' is computed at import time; listed under Prefect's default name '\(defaultName)'",
                hint: "use a string literal or a module-level string constant for name="))
        }
        var description = docstring
        if case .string(let given)? = keywords["description"] { description = given }
        result.flows.append(Flow(
            name: name, function: qualified, file: file, line: line, isAsync: isAsync,
            parameters: parameters, description: description, decorator: keywords))
    }
}

extension StringProtocol {
    /// Prefect's default flow name: the function name with `_` replaced by `-`.
    func replacingUnderscores() -> String {
        String(map { $0 == "_" ? "-" : $0 })
    }

    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(String.UnicodeScalarView(scalars[start...end]))
    }
}
