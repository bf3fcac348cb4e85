extension SourceView {
    /// The value of the static `str` formed by `range` when it is only string tokens
    /// (implicit concatenation included); nil otherwise.
    func staticString(_ range: Range<Int>) -> String? {
        guard !range.isEmpty else { return nil }
        var result = ""
        for index in range {
            guard kind(index) == .string else { return nil }
            let token = tokens[index]
            let bytes = UnsafeBufferPointer(rebasing: src[Int(token.start)..<Int(token.end)])
            guard case .text(let value) = PythonStringLiteral.decode(bytes) else { return nil }
            result += value
        }
        return result
    }

    /// The first non-empty line of a (long) docstring token, decoding only the bytes up to
    /// it. Nil when the fast path does not apply (an escaped line break, a non-static string).
    func firstLineOfString(_ index: Int) -> String? {
        let token = tokens[index]
        let start = Int(token.start)
        let end = Int(token.end)
        var cut = start
        var sawContent = false
        var inBody = false
        while cut < end {
            let b = src[cut]
            if !inBody && (b == Byte.quote || b == Byte.apostrophe) {
                inBody = true
                while cut < end && src[cut] == b { cut += 1 }  // opening quotes
                continue
            }
            if inBody && (b == Byte.newline || b == Byte.carriageReturn) {
                if sawContent {
                    guard src[cut - 1] != Byte.backslash else { return nil }
                    break
                }
            } else if inBody && b != Byte.space && b != Byte.tab {
                sawContent = true
            }
            cut += 1
        }
        guard cut < end else { return nil }  // a one-line string: the general path is as cheap
        // Decode prefix + the first line, closed with the token's own quotes.
        var quoteLength = 1
        while quoteLength < 3, end - quoteLength - 1 >= start, src[end - quoteLength - 1] == src[end - 1] { quoteLength += 1 }
        var bytes = Array(src[start..<cut])
        bytes += Array(src[(end - quoteLength)..<end])
        let value = bytes.withUnsafeBufferPointer { PythonStringLiteral.decode($0) }
        guard case .text(let text) = value else { return nil }
        return FlowParser.firstNonEmptyLine(text)
    }

    /// Evaluates a literal expression: strings, numbers, True/False/None, and lists,
    /// tuples and dicts of those. `constant` resolves a bare name (module-level string
    /// constants). Returns nil for anything that needs running Python.
    func literal(_ range: Range<Int>, constant: (String) -> String? = { _ in nil }) -> JSONValue? {
        guard let first = range.first else { return nil }
        if let text = staticString(range) { return .string(text) }
        let last = range.upperBound - 1
        switch kind(first) {
        case .number where range.count == 1:
            return number(text(first), negative: false)
        case .op where range.count == 2 && kind(last) == .number && (self.is(first, "-") || self.is(first, "+")):
            return number(text(last), negative: self.is(first, "-"))
        case .name where range.count == 1:
            if self.is(first, "True") { return .bool(true) }
            if self.is(first, "False") { return .bool(false) }
            if self.is(first, "None") { return .null }
            return constant(text(first)).map(JSONValue.string)
        case .op where matchingBracket(first, limit: range.upperBound) == last:
            let inner = (first + 1)..<last
            if self.is(first, "{") { return dictionary(inner, constant: constant) }
            var items: [JSONValue] = []
            for piece in split(inner, on: ",") {
                guard let value = literal(piece, constant: constant) else { return nil }
                items.append(value)
            }
            if self.is(first, "(") && items.count == 1 && firstTopLevel(",", in: inner) == nil {
                return items[0]  // parenthesised expression, not a tuple
            }
            return .array(items)
        default:
            return nil
        }
    }

    private func dictionary(_ inner: Range<Int>, constant: (String) -> String?) -> JSONValue? {
        var object: [String: JSONValue] = [:]
        for piece in split(inner, on: ",") {
            guard let colon = firstTopLevel(":", in: piece),
                  case .string(let key)? = literal(piece.lowerBound..<colon, constant: constant),
                  let value = literal((colon + 1)..<piece.upperBound, constant: constant)
            else { return nil }
            object[key] = value
        }
        return .object(object)
    }

    private func number(_ text: String, negative: Bool) -> JSONValue? {
        let digits = String(text.filter { $0 != "_" }).lowercased()
        let sign = negative ? -1 : 1
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where digits.hasPrefix(prefix) {
            return Int(digits.dropFirst(2), radix: radix).map { .int(sign * $0) }
        }
        if let value = Int(digits) { return .int(sign * value) }
        if digits.hasSuffix("j") { return nil }
        return Double(digits).map { .double(negative ? -$0 : $0) }
    }
}
