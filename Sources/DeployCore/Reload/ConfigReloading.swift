import Foundation

/// Engines that can give running instances a new config (`crank reload`). Others answer
/// with `ReloadFailure.unsupportedTarget` in the CLI.
public protocol ConfigReloading: Sendable {
    /// What a reload would do: the steps and the instances they reach. Changes nothing.
    func reloadPreview(_ manifest: BuildManifest, names: [String]) async throws(ReloadFailure) -> ReloadPreview
    func reload(_ manifest: BuildManifest, names: [String], options: ReloadOptions) async throws(ReloadFailure) -> ReloadReport
}

public struct ReloadOptions: Sendable {
    public var reason: String?
    /// Give the previous config back to every instance when one did not apply (the default,
    /// like `crank deploy`'s restore).
    public var revertOnFailure = true

    public init(reason: String? = nil, revertOnFailure: Bool = true) {
        self.reason = reason
        self.revertOnFailure = revertOnFailure
    }
}

/// `crank reload --dry-run`: the instances a reload would reach and how.
public struct ReloadPreview: Equatable, Sendable, Codable {
    public struct Instance: Equatable, Sendable, Codable {
        public var deployment: String
        public var instance: String
        public var method: String
        public var timeout: Double?
        public var changed: [String]
    }

    public var environment: String
    public var live: String
    public var instances: [Instance]
}
