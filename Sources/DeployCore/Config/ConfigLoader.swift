import Foundation

/// The effective configuration for one environment, with the merged tree kept so every
/// value can say which file and line it came from.
public struct EffectiveConfig: Sendable {
    public var root: String
    public var environment: String?
    public var config: ProjectConfig
    /// crank.yaml + overlay, variables expanded, templates applied.
    public var tree: ConfigNode
    /// The files read, in merge order (relative to the root).
    public var layers: [String]
    /// Every `${NAME}` written in those files, with the keys of the value (before templates apply).
    public var variables: [VariableReference] = []
    /// The names any `secrets:` list of the project gives (see `declaredSecrets`).
    public var declaredSecrets: Set<String> = []

    /// Where the value at a dotted key path was written.
    public func location(_ path: String) -> SourceLocation? {
        var node: ConfigNode? = tree
        for key in path.split(separator: ".") { node = node?[String(key)] }
        return node?.location
    }

    public func keyLocation(_ path: String) -> SourceLocation? {
        var parts = path.split(separator: ".").map(String.init)
        guard let last = parts.popLast() else { return nil }
        var node: ConfigNode? = tree
        for key in parts { node = node?[key] }
        return node?.entries?.last { $0.key == last }?.keyLocation
    }
}

/// Loads `crank.yaml`, merges `deployment/environments/<env>.yaml` over it, expands
/// `${VAR}` references, applies templates and decodes the result — collecting issues.
public struct ConfigLoader: Sendable {
    public static let overlayDirectory = "deployment/environments"

    public var root: String
    public var processEnvironment: [String: String]

    public init(root: String, processEnvironment: [String: String] = ProcessInfo.processInfo.environment) {
        self.root = root
        self.processEnvironment = processEnvironment
    }

    /// Environments declared in crank.yaml plus those with an overlay file, sorted.
    public func environmentNames(base: ConfigNode?) -> [String] {
        var names = Set(base?["environments"]?.entries?.map(\.key) ?? [])
        let directory = root + "/" + Self.overlayDirectory
        for file in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where file.hasSuffix(".yaml") {
            names.insert(String(file.dropLast(5)))
        }
        return names.sorted()
    }

    public func load(environment: String?) -> (EffectiveConfig?, [ConfigIssue]) {
        let configFile = ProjectRoot.configFileName
        let base: ConfigNode
        switch YAMLFileLoader.load(path: root + "/" + configFile, displayPath: configFile) {
        case .failure(var issue):
            if issue.code == .missingFile {
                issue.message = "no \(configFile) in \(root)"
                issue.hint = "create \(configFile) (see the README's config reference), or point -C at the project root"
            }
            return (nil, [issue])
        case .success(nil):
            return (nil, [ConfigIssue(.missingKey, at: nil, file: configFile, path: "", message: "\(configFile) is empty",
                                      hint: "add at least `project: NAME`")])
        case .success(let node?):
            base = node
        }
        var tree = base
        var layers = [configFile]
        var issues: [ConfigIssue] = []
        if let environment {
            guard NameRules.check(environment, at: nil, path: "--env", what: "environment", issues: &issues) else { return (nil, issues) }
            let overlayFile = Self.overlayDirectory + "/" + environment + ".yaml"
            let known = environmentNames(base: base)
            guard known.contains(environment) else {
                let suggestion = Suggestion.closest(to: environment, in: known).map { "did you mean '\($0)'? " } ?? ""
                return (nil, [ConfigIssue(.unknownEnvironment, at: nil, file: configFile, path: "environments",
                                          message: "unknown environment '\(environment)' (known: \(known.isEmpty ? "none" : known.joined(separator: ", ")))",
                                          hint: "\(suggestion)declare it under `environments:` in \(configFile) or create \(overlayFile)")])
            }
            // lstat, so a dangling symlink or a FIFO is reported by the loader, not ignored.
            var info = stat()
            if lstat(root + "/" + overlayFile, &info) == 0 {
                switch YAMLFileLoader.load(path: root + "/" + overlayFile, displayPath: overlayFile) {
                case .failure(let issue): return (nil, [issue])
                case .success(let overlay?):
                    tree = tree.merged(with: overlay)
                    layers.append(overlayFile)
                case .success(nil): break
                }
            }
        }
        let (expanded, variableIssues, variables) = VariableInterpolator(environment: processEnvironment).expandRecording(tree)
        issues += variableIssues
        let (templated, templateIssues) = TemplateResolver.apply(to: expanded)
        issues += templateIssues
        var decoder = ProjectConfigDecoder()
        decoder.root = root
        decoder.home = processEnvironment["HOME"] ?? NSHomeDirectory()
        let config = decoder.decode(templated)
        issues += decoder.reader.issues
        if let environment, let config, config.environment(environment) == nil, !issues.contains(where: { $0.path.hasPrefix("environments.\(environment)") }) {
            issues.append(ConfigIssue(.missingKey, at: nil, file: layers.last ?? configFile, path: "environments.\(environment).target",
                                      message: "environment '\(environment)' has no target",
                                      hint: "add `environments: {\(environment): {target: local}}` (or prefect / container)"))
        }
        guard let config else { return (nil, issues) }
        return (EffectiveConfig(root: root, environment: environment, config: config, tree: templated, layers: layers,
                                variables: variables, declaredSecrets: declaredSecrets(base: base)), issues)
    }
}
