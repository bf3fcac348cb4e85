/// The characters each field that reaches generated text may hold — a Containerfile, the
/// prefect.yaml, an engine env-file, an HTTP request line, a URL path or an argv option.
/// Validation reports a value outside its rule at its key path; the generators refuse it too,
/// for library users who skip validation.
public enum TextRules {
    /// `[A-Za-z_][A-Za-z0-9_]*`: what a shell, an env-file and `environ` agree on.
    public static func isEnvironmentName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || isLetter(first) else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || isLetter($0) || isDigit($0) }
    }

    /// A relative path inside the project that a Containerfile `RUN` line can hold unquoted:
    /// `[A-Za-z0-9._/-]`, not starting with `/` or `-`, no `..` component.
    public static func isProjectPath(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first != "/", first != "-" else { return false }
        return text.unicodeScalars.allSatisfy { isLetter($0) || isDigit($0) || "._/-".unicodeScalars.contains($0) }
            && !text.split(separator: "/", omittingEmptySubsequences: false).contains { $0 == ".." || $0.isEmpty }
    }

    /// An HTTP request path: `/` then visible ASCII (no spaces, no control characters).
    public static func isHTTPPath(_ text: String) -> Bool {
        text.hasPrefix("/") && text.unicodeScalars.allSatisfy { (0x21...0x7E).contains($0.value) }
    }

    /// A Python module name: dotted identifiers (`numpy`, `google.cloud`).
    public static func isModuleName(_ text: String) -> Bool {
        !text.isEmpty && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isEnvironmentName(String($0)) }
    }

    /// A program name or path run as argv[0] (never through a shell): no control characters,
    /// not starting with `-` (it would read as an option).
    public static func isProgram(_ text: String) -> Bool {
        !text.isEmpty && !text.hasPrefix("-") && !hasControlCharacters(text)
    }

    /// A container network (or other engine object) name: `[A-Za-z0-9][A-Za-z0-9_.-]*`.
    public static func isEngineName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, isLetter(first) || isDigit(first) else { return false }
        return text.unicodeScalars.allSatisfy { isLetter($0) || isDigit($0) || "_.-".unicodeScalars.contains($0) }
    }

    /// A Prefect object name (work pool, queue): no control characters and none of the
    /// characters Prefect bans, `/ % & > <` (the name becomes a URL path).
    public static func isPrefectName(_ text: String) -> Bool {
        !text.isEmpty && !hasControlCharacters(text) && !text.unicodeScalars.contains { "/%&><".unicodeScalars.contains($0) }
    }

    /// Image tags and git shas: `[A-Za-z0-9_.-]+`.
    public static func isTag(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { isLetter($0) || isDigit($0) || "_.-".unicodeScalars.contains($0) }
    }

    /// A host's address as ssh and HTTP get it: an IPv4/IPv6 address (no brackets) or a DNS name,
    /// `[A-Za-z0-9.:_-]+`, not starting with `-` (ssh would read it as an option).
    public static func isHostAddress(_ text: String) -> Bool {
        !text.isEmpty && !text.hasPrefix("-") && text.unicodeScalars.allSatisfy { isLetter($0) || isDigit($0) || ".:_-".unicodeScalars.contains($0) }
    }

    /// A login name: `[A-Za-z_][A-Za-z0-9._-]*` (it becomes `user@address`).
    public static func isUserName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || isLetter(first) else { return false }
        return text.unicodeScalars.allSatisfy { isLetter($0) || isDigit($0) || "._-".unicodeScalars.contains($0) }
    }

    /// A directory on a remote host: not empty, no control characters, no leading `-`, no `..` component.
    public static func isRemotePath(_ text: String) -> Bool {
        !text.isEmpty && !text.hasPrefix("-") && !hasControlCharacters(text) && !text.split(separator: "/").contains("..")
    }

    public static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }
    }

    /// The text as is when it has no spaces or control characters, else JSON-quoted: safe in a
    /// key path, a message or a comment line.
    public static func display(_ text: String) -> String {
        text.isEmpty || text.unicodeScalars.contains { $0 == " " } || hasControlCharacters(text) ? JSONWriter.compactText(.string(text)) : text
    }

    static func isLetter(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) }
    static func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
}
