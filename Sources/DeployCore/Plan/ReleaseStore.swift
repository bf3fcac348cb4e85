import Foundation

/// Where an environment's releases are recorded. The file backend keeps them under
/// `.crank/state/<env>/`: `releases/<id>.json` (immutable) and `live` (the live release id).
public protocol ReleaseStore: Sendable {
    /// The manifest document of the live release, or nil when nothing is live.
    func liveRelease(environment: String) -> (id: String, manifest: JSONValue)?
}

public struct FileReleaseStore: ReleaseStore {
    public let directory: String

    /// `directory` defaults to `<root>/.crank/state`.
    public init(directory: String) {
        self.directory = directory
    }

    public func liveRelease(environment: String) -> (id: String, manifest: JSONValue)? {
        let base = "\(directory)/\(environment)"
        guard let pointer = try? String(contentsOfFile: base + "/live", encoding: .utf8) else { return nil }
        let id = pointer.trimmingWhitespace()
        guard NameRules.isValid(id), let data = FileManager.default.contents(atPath: "\(base)/releases/\(id).json"),
              case .object(let release)? = try? JSONDecoder().decode(JSONValue.self, from: data),
              let manifest = release["manifest"] else { return nil }
        return (id, manifest)
    }
}
