/// `manifest.json`: the desired state of an environment — one entry per deployment with
/// its kind, target, fully rendered spec and that spec's hash. No timestamps: the same
/// inputs give the same bytes.
public struct BuildManifest: Equatable, Sendable {
    public static let formatVersion = 1

    public struct Entry: Equatable, Sendable {
        public var deployment: RenderedDeployment
        public var artifacts: [String]
        public var commands: [ShellCommand]
    }

    public var project: String
    public var environment: String
    public var target: TargetKind
    public var revision: SourceRevision
    public var entries: [Entry]
    /// The environment's and the deployments' `hooks:` (see `Hook.recorded`).
    public var hooks: [Hook] = []

    public var json: JSONValue {
        guard case .object(var object) = document else { return document }
        if !hooks.isEmpty { object["hooks"] = .array(hooks.map(\.json)) }  // absent without hooks: bytes stay as they were
        return .object(object)
    }

    var document: JSONValue {
        .object([
            "format": .int(Self.formatVersion),
            "project": .string(project),
            "environment": .string(environment),
            "target": .string(target.rawValue),
            "source": .object([
                "git_sha": revision.gitSHA.map(JSONValue.string) ?? .null,
                "dirty": .bool(revision.dirty),
                "content_hash": revision.contentHash.map(JSONValue.string) ?? .null,
                "tag": .string(revision.tag),
            ]),
            "deployments": .array(entries.map { entry in
                guard case .object(var object) = entry.deployment.json else { return .null }
                object["spec_hash"] = .string(entry.deployment.specHash)
                object["artifacts"] = .array(entry.artifacts.map(JSONValue.string))
                object["commands"] = .array(entry.commands.map { .array(([$0.executable] + $0.arguments).map(JSONValue.string)) })
                return .object(object)
            }),
        ])
    }

    public var text: String {
        var writer = JSONWriter()
        writer.value(json)
        writer.finish()
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The deployments recorded in a manifest document (e.g. a live release's).
    public static func deployments(in json: JSONValue) -> [RenderedDeployment]? {
        guard case .object(let object) = json, case .array(let items)? = object["deployments"] else { return nil }
        return items.compactMap(RenderedDeployment.init(json:))
    }
}
