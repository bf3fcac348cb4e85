import Testing
@testable import DeployCore

@Suite("Python tokenizer")
struct PythonTokenizerTests {
    /// (kind, text) pairs, for readable expectations.
    func tokens(_ source: String) throws -> [String] {
        let bytes = Array(source.utf8)
        return try PythonTokenizer.tokenize(source).map { token in
            let text = String(decoding: bytes[Int(token.start)..<Int(token.end)], as: UTF8.self)
            switch token.kind {
            case .newline: return "NEWLINE"
            case .indent: return "INDENT"
            case .dedent: return "DEDENT"
            case .endMarker: return "END"
            default: return text
            }
        }
    }

    func syntaxError(_ source: String) -> PythonSyntaxError? {
        do {
            _ = try PythonTokenizer.tokenize(source)
            return nil
        } catch {
            return error
        }
    }

    @Test("blocks produce INDENT and DEDENT, blank and comment lines do not")
    func indentation() throws {
        let source = "def f():\n    x = 1\n\n    # note\n    if x:\n        y\nz\n"
        #expect(try tokens(source) == [
            "def", "f", "(", ")", ":", "NEWLINE", "INDENT", "x", "=", "1", "NEWLINE",
            "if", "x", ":", "NEWLINE", "INDENT", "y", "NEWLINE", "DEDENT", "DEDENT", "z", "NEWLINE", "END",
        ])
    }

    @Test("every string prefix and quote form is one token")
    func stringForms() throws {
        let forms = [
            "'a'", "\"a\"", "'''a\n'b'\n'''", "\"\"\"a\"\"\"", "r'\\d'", "R\"x\"", "b'\\x00'", "Br'x'",
            "rb\"x\"", "u'x'", "f'{x}'", "F\"{x!r:>10}\"", "fr'{x}\\d'", "Rf'{x}'", "''", "'it\\'s'",
            "f'{x[\"k\"]}'", "f\"{'nested'}\"", "f'{a:{b}}'", "f'{{}}'", "f\"{f'{x}'}\"", "t'{x}'", "rf'(\\{{)'", "f'\\{x}'",
        ]
        for form in forms {
            #expect(try tokens("x = \(form)\n") == ["x", "=", form, "NEWLINE", "END"], "\(form)")
        }
    }

    @Test("comments, continuations and bracketed newlines do not end a logical line")
    func logicalLines() throws {
        let source = "a = (1, # one\n     2)\nb = 1 + \\\n    2\n"
        #expect(try tokens(source) == [
            "a", "=", "(", "1", ",", "2", ")", "NEWLINE", "b", "=", "1", "+", "2", "NEWLINE", "END",
        ])
    }

    @Test("CRLF and lone CR line endings count lines like LF")
    func lineEndings() throws {
        let crlf = try PythonTokenizer.tokenize("a\r\nb\r\n\r\nc\r")
        let names = crlf.filter { $0.kind == .name }.map(\.line)
        #expect(names == [1, 2, 4])
        let triple = try PythonTokenizer.tokenize("s = '''x\r\ny'''\r\nz\r\n")
        #expect(triple.filter { $0.kind == .name }.map(\.line) == [1, 3])
    }

    @Test("tabs indent to multiples of eight")
    func tabs() throws {
        #expect(try tokens("if x:\n\ty\n\tz\n") == [
            "if", "x", ":", "NEWLINE", "INDENT", "y", "NEWLINE", "z", "NEWLINE", "DEDENT", "END",
        ])
    }

    @Test("operators are read greedily")
    func operators() throws {
        #expect(try tokens("a **= b // c -> d := e != f ... @g\n") == [
            "a", "**=", "b", "//", "c", "->", "d", ":=", "e", "!=", "f", "...", "@", "g", "NEWLINE", "END",
        ])
    }

    @Test("numbers with exponents, underscores and prefixes are one token")
    func numbers() throws {
        #expect(try tokens("x = 1_000 + 1e-5 + 0xFF + .5j - 0E+1\n") == [
            "x", "=", "1_000", "+", "1e-5", "+", "0xFF", "+", ".5j", "-", "0E+1", "NEWLINE", "END",
        ])
    }

    @Test("an unterminated string is an error on its line")
    func unterminatedString() {
        #expect(syntaxError("a = 1\nb = 'open\n") == PythonSyntaxError(line: 2, message: "unterminated string literal"))
        #expect(syntaxError("a = '''open\n\n") == PythonSyntaxError(line: 1, message: "unterminated triple-quoted string literal"))
        #expect(syntaxError("a = f'{x\n")?.line == 1)
    }

    @Test("unbalanced and mismatched brackets are errors")
    func brackets() {
        #expect(syntaxError("f(a,\n  b\n") == PythonSyntaxError(line: 1, message: "'(' was never closed"))
        #expect(syntaxError("x = 1)\n") == PythonSyntaxError(line: 1, message: "unmatched ')'"))
        #expect(syntaxError("x = [1,\n 2)\n")?.message == "closing parenthesis ')' does not match opening parenthesis '[' on line 1")
    }

    @Test("a dedent to an unknown level is an error")
    func inconsistentDedent() {
        #expect(syntaxError("if x:\n        a\n    b\n") == PythonSyntaxError(
            line: 3, message: "unindent does not match any outer indentation level"))
    }

    @Test("mixing tabs and spaces ambiguously is an error")
    func tabError() {
        #expect(syntaxError("if x:\n\ta\n        b\n")?.message == "inconsistent use of tabs and spaces in indentation")
    }

    @Test("nesting beyond CPython's limits is an error, not a crash")
    func nestingLimits() {
        let deepBrackets = "x = " + String(repeating: "(", count: 500) + String(repeating: ")", count: 500) + "\n"
        #expect(syntaxError(deepBrackets)?.message == "too many nested parentheses")
        var deepBlocks = ""
        for level in 0..<150 { deepBlocks += String(repeating: " ", count: level) + "if x:\n" }
        deepBlocks += String(repeating: " ", count: 150) + "pass\n"
        #expect(syntaxError(deepBlocks)?.message == "too many levels of indentation")
    }

    @Test("a backslash not followed by a newline is an error")
    func strayBackslash() {
        #expect(syntaxError("x = 1 \\ 2\n")?.message == "unexpected character after line continuation character")
    }

    @Test("characters Python rejects are errors")
    func invalidCharacter() {
        #expect(syntaxError("x = $y\n")?.message == "invalid character U+0024")
    }
}
