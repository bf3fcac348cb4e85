import DeployCore

/// Rewrites argv as people type it into what ArgumentParser parses, and catches a mistyped
/// command before ArgumentParser reports it as an "unexpected argument":
/// - global options before the command (`crank -C dir deploy --env dev`, as with git and make)
///   move to just after the command's name (`deploy -C dir --env dev`);
/// - a word that is not a command where one is expected is an `unknownCommand`, with the
///   closest command's name (`crank deplyo`, `crank help nosuch`, `crank lock stauts`).
enum ArgumentNormalizer {
    enum Outcome: Equatable {
        case parse([String])
        /// `path` is the command words before the unknown one (empty at the top level).
        case unknownCommand(String, path: [String], known: [String], suggestion: String?)
    }

    /// Options every command accepts, with whether each takes a value.
    static let globalOptions: [String: Bool] = ["-C": true, "--project-root": true, "--json": false]

    static func normalize(_ arguments: [String], commands: CommandTree) -> Outcome {
        var leading: [String] = []
        var index = 0
        while index < arguments.count, let takesValue = globalOption(arguments[index]) {
            let count = takesValue ? 2 : 1
            guard index + count <= arguments.count else { return .parse(arguments) }  // `-C` without a value: ArgumentParser says so
            leading += arguments[index..<(index + count)]
            index += count
        }
        var rest = Array(arguments[index...])
        if rest.first == "help" {
            if case .unknown(let word, let path, let node) = walk(Array(rest.dropFirst()), from: commands) {
                return .unknownCommand(word, path: path, known: node.names, suggestion: suggestion(for: word, in: node))
            }
            return .parse(rest)  // global options change nothing in a help text
        }
        switch walk(rest, from: commands, acceptsHelp: true) {
        case .unknown(let word, let path, let node):
            return .unknownCommand(word, path: path, known: node.names, suggestion: suggestion(for: word, in: node))
        case .command(let depth):
            guard depth > 0 else { return .parse(rest) }  // `crank -C dir --help`: nothing to apply them to
            rest.insert(contentsOf: leading, at: depth)
            return .parse(rest)
        }
    }

    /// Whether `word` is a global option (`--project-root=dir` carries its value), and whether it takes the next word.
    static func globalOption(_ word: String) -> Bool? {
        if word.hasPrefix("--project-root=") { return false }
        return globalOptions[word]
    }

    enum Walk {
        /// The number of leading words that name the command (0: none).
        case command(depth: Int)
        case unknown(String, path: [String], node: CommandTree)
    }

    /// Follows command names from the start of `words` while the command has subcommands.
    static func walk(_ words: [String], from root: CommandTree, acceptsHelp: Bool = false) -> Walk {
        var node = root
        var depth = 0
        while depth < words.count, !node.children.isEmpty {
            let word = words[depth]
            if word.hasPrefix("-") { break }  // an option: ArgumentParser's to judge
            if depth == 0, acceptsHelp, word == "help" { break }
            guard let next = node.children[word] else {
                return .unknown(word, path: Array(words[..<depth]), node: node)
            }
            node = next
            depth += 1
        }
        return .command(depth: depth)
    }

    static func suggestion(for word: String, in node: CommandTree) -> String? {
        if let prefixed = node.names.filter({ $0.hasPrefix(word) }).onlyElement { return prefixed }
        return Suggestion.closest(to: word, in: node.names)
    }
}

extension Array {
    var onlyElement: Element? { count == 1 ? first : nil }
}
