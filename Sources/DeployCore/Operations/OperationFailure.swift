import Foundation

/// Why `crank exec` or `crank logs` cannot do what was asked; each case names what to fix.
public enum OperationFailure: Error, Equatable, Sendable {
    /// The environment has no live release.
    case notDeployed(environment: String)
    case unknownDeployment(String, known: [String])
    /// No deployment named and the live release has several.
    case chooseDeployment(known: [String])
    /// `--host` names a host the deployment does not run on.
    case unknownHost(String, deployment: String, hosts: [String])
    /// What the target cannot do, and what to do instead.
    case unsupported(target: TargetKind, reason: String)
    /// `--release` names a release whose output is not kept.
    case noSuchRelease(String, deployment: String, available: [String])
    /// `--since` on a source without timestamps.
    case noTimestamps(reason: String)
    case state(String)
    /// A program crank runs (podman, ssh, docker) failed.
    case command(String)
    case host(HostFailure)
    case prefect(PrefectClient.Failure)
}

/// The live release of an environment and the deployment an operation acts on.
public struct LiveDeployment: Sendable {
    public let release: ReleaseRecord
    public let deployment: RenderedDeployment

    /// `name` of the live release (nil: its only deployment).
    public static func resolve(_ name: String?, live: ReleaseRecord?, environment: String) throws(OperationFailure) -> LiveDeployment {
        guard let live else { throw .notDeployed(environment: environment) }
        let deployments = live.deployments
        let known = deployments.map(\.name).sorted()
        guard let name else {
            guard deployments.count == 1 else { throw .chooseDeployment(known: known) }
            return LiveDeployment(release: live, deployment: deployments[0])
        }
        guard let deployment = deployments.first(where: { $0.name == name }) else { throw .unknownDeployment(name, known: known) }
        return LiveDeployment(release: live, deployment: deployment)
    }

    /// The named deployments of the live release (every one when `names` is empty), by name.
    public static func all(_ names: [String], live: ReleaseRecord?, environment: String) throws(OperationFailure) -> [LiveDeployment] {
        guard let live else { throw .notDeployed(environment: environment) }
        let deployments = live.deployments.sorted { $0.name < $1.name }
        for name in names where !deployments.contains(where: { $0.name == name }) {
            throw .unknownDeployment(name, known: deployments.map(\.name))
        }
        return deployments.filter { names.isEmpty || names.contains($0.name) }.map { LiveDeployment(release: live, deployment: $0) }
    }

    /// Every secret name the release knows: what is redacted from what crank records of a command.
    public var secretNames: [String] {
        Array(Set(release.secrets + release.deployments.flatMap(\.secretNames))).sorted()
    }
}
