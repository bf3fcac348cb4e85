import Foundation

/// The hosts of one environment as the engines reach them: a transport per host (the
/// environment's ssh settings), the runner of the local `ssh`, and how many hosts are worked on
/// at once.
public struct HostFleet: Sendable {
    /// By host name.
    public let transports: [String: SSHTransport]
    public let settings: SSHSettings
    public let runner: any CommandRunner

    public init(transports: [String: SSHTransport], settings: SSHSettings, runner: any CommandRunner) {
        self.transports = transports
        self.settings = settings
        self.runner = runner
    }

    var maxParallel: Int { max(1, settings.maxParallel) }

    /// The host's transport; a host only the history knows (removed from the config) is
    /// reached with the environment's current ssh settings.
    func transport(_ host: HostSpec) -> SSHTransport {
        transports[host.name] ?? SSHTransport(host: host, settings: settings, controlDirectory: SSHTransport.defaultControlDirectory)
    }

    /// Each host once, by name.
    static func unique(_ hosts: [HostSpec]) -> [HostSpec] {
        Dictionary(hosts.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }).values.sorted { $0.name < $1.name }
    }

    /// Every host answers and is trusted (typed SSH failures: unreachable, unknown host key,
    /// authentication), checked in parallel; the first failure by host name otherwise.
    func probe(_ hosts: [HostSpec]) async -> HostFailure? {
        let problems = await boundedConcurrency(Self.unique(hosts), jobs: maxParallel) { host in
            // Off the cooperative pool: many hosts are probed at once, really.
            let (transport, runner) = (self.transport(host), self.runner)
            return await offPool { transport.probe(runner: runner) }
        }
        return problems.compactMap { $0 }.first
    }
}
