import DeployCore
import Foundation

/// Completions of `--env` and deployment names from the project's config. The shell passes
/// the words typed so far: a `-C DIR` / `--project-root DIR` among them picks the project
/// (relative to the current directory), else the nearest ancestor with crank.yaml.
enum ShellCompletion {
    @Sendable static func environments(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        ProjectNames.environments(root: root(in: words, completing: index)).filter { $0.hasPrefix(prefix) }
    }

    @Sendable static func deployments(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        let environment = value(of: ["--env"], in: words, completing: index)
        return ProjectNames.deployments(root: root(in: words, completing: index), environment: environment)
            .filter { $0.hasPrefix(prefix) }
    }

    static func root(in words: [String], completing index: Int) -> String {
        let explicit = value(of: ["-C", "--project-root"], in: words, completing: index)
        return ProjectRoot.locate(explicit: explicit, start: FileManager.default.currentDirectoryPath)
    }

    /// The value of the last of `names` typed (`--name VALUE` or `--name=VALUE`), not counting the word being completed.
    static func value(of names: [String], in words: [String], completing index: Int) -> String? {
        var found: String?
        for (position, word) in words.enumerated() where position != index {
            if names.contains(word), position + 1 < words.count, position + 1 != index {
                found = words[position + 1]
            } else if let name = names.first(where: { $0.hasPrefix("--") && word.hasPrefix($0 + "=") }) {
                found = String(word.dropFirst(name.count + 1))
            }
        }
        return found
    }
}
