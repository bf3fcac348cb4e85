import Foundation

/// Reads a `prefect.yaml` into `ImportedDeployment`s for `crank init --from`. YAML anchors and
/// aliases are resolved by the parser and `<<:` merge keys here (the `definitions:` section of
/// Prefect's docs is just where anchors live). Every key crank cannot represent is an issue
/// with its key path: an error when dropping it would change what runs, a warning otherwise.
public enum PrefectYAMLImporter {
    static let topKeys = ["name", "prefect-version", "definitions", "build", "push", "pull", "deployments"]

    /// - Parameters:
    ///   - path: the absolute path of the prefect.yaml.
    ///   - displayPath: its path relative to the project root (used in messages).
    ///   - directory: its directory relative to the project root ("" at the root): entrypoints
    ///     are relative to it in Prefect and become relative to the project root here.
    public static func read(path: String, displayPath: String, directory: String) -> PrefectImport {
        var result = PrefectImport()
        switch YAMLFileLoader.load(path: path, displayPath: displayPath) {
        case .failure(let issue):
            result.issues.append(issue)
        case .success(nil):
            result.issues.append(ConfigIssue(.missingKey, at: nil, file: displayPath, path: "deployments",
                                             message: "\(displayPath) is empty", hint: "pass the prefect.yaml that lists your deployments"))
        case .success(let node?):
            result = importTree(MergeKeys.resolve(node), file: displayPath, directory: directory)
        }
        return result
    }

    static func importTree(_ root: ConfigNode, file: String, directory: String) -> PrefectImport {
        var reader = PrefectYAMLReader(file: file, directory: directory)
        var result = PrefectImport()
        guard let entries = root.entries else {
            reader.error(root, "", "\(file) is not a map with `deployments:`", hint: "pass a prefect.yaml")
            result.issues = reader.issues
            return result
        }
        reader.unknownKeys(entries, allowed: topKeys, path: "")
        result.projectName = root["name"]?.string
        for step in ["build", "push"] {
            if let node = root[step], node.value != .null, node.value != .sequence([]) {
                reader.warning(node, step, "crank does not run Prefect's \(step) steps; `crank build`/`crank deploy` build what they need (kind: container builds an image)",
                               hint: "remove the \(step) section after checking nothing depends on it")
            }
        }
        let sharedPull = root["pull"].flatMap { node in node.value == .null ? nil : reader.pullSteps(node, path: "pull") }
        guard let deployments = root["deployments"], case .sequence(let items) = deployments.value else {
            reader.error(root["deployments"] ?? root, "deployments", "\(file) has no `deployments:` list", hint: "a prefect.yaml lists its deployments under `deployments:`")
            result.issues = reader.issues
            return result
        }
        for (index, item) in items.enumerated() {
            if let deployment = reader.deployment(item, path: "deployments[\(index)]", sharedPull: sharedPull) {
                result.deployments.append(deployment)
            }
        }
        if items.isEmpty {
            reader.warning(deployments, "deployments", "\(file) lists no deployments", hint: nil)
        }
        result.issues = reader.issues
        return result
    }
}

/// `<<: *anchor` merge keys (YAML 1.1), which Prefect's `definitions:` examples use: the
/// merged maps' entries come first, the map's own entries win.
enum MergeKeys {
    static func resolve(_ node: ConfigNode) -> ConfigNode {
        switch node.value {
        case .sequence(let items):
            return ConfigNode(.sequence(items.map(resolve)), at: node.location)
        case .mapping(let entries):
            var merged: [ConfigNode.Entry] = []
            var own: [ConfigNode.Entry] = []
            for entry in entries {
                guard entry.key == "<<" else { own.append(ConfigNode.Entry(key: entry.key, keyLocation: entry.keyLocation, value: resolve(entry.value))); continue }
                let sources: [ConfigNode]
                if case .sequence(let list) = entry.value.value { sources = list } else { sources = [entry.value] }
                for source in sources { merged += resolve(source).entries ?? [] }
            }
            var result: [ConfigNode.Entry] = []
            for entry in merged where !own.contains(where: { $0.key == entry.key }) && !result.contains(where: { $0.key == entry.key }) {
                result.append(entry)
            }
            return ConfigNode(.mapping(result + own), at: node.location)
        default:
            return node
        }
    }
}
