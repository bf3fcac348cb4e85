import Foundation

/// `target: container` with `hosts:`: each service runs as a container on every host it is
/// placed on. Images are built once, here (`local`, the same build as without hosts), tagged
/// `:r<N>` and shipped to the hosts that need them (`podman save | ssh host podman load`, or a
/// tag on the host when it holds the same image already). On a host, the container engine's CLI
/// runs over ssh (`RemoteCommandRunner`), so each host is driven by a `ContainerReleaseEngine`
/// exactly as this machine is — ports published on the host's address and gated there; with the
/// blue-green strategy, crank's nginx runs on each host (`RemoteNginxProxy`).
/// All or nothing across machines, as for processes on hosts.
public struct HostContainerReleaseEngine: ReleaseTarget {
    public typealias Failure = ReleaseEngine.Failure
    typealias Placement = HostReleaseEngine.Placement
    typealias Applied = ContainerReleaseEngine.Applied

    /// This machine's engine: builds and tags the images, keeps them for rollbacks.
    public let local: ContainerReleaseEngine
    public let fleet: HostFleet
    public var progress: (@Sendable (DeploymentResult) -> Void)?
    /// Seconds a stopping container gets before the engine kills it.
    public var grace = 10

    public init(local: ContainerReleaseEngine, fleet: HostFleet) {
        self.local = local
        self.fleet = fleet
    }

    var effective: EffectiveConfig { local.effective }
    var environment: String { local.environment }
    var ledger: ReleaseLedger { local.ledger }
    var maxParallel: Int { fleet.maxParallel }

    static func placements(_ deployments: [RenderedDeployment]) -> [Placement] { HostReleaseEngine.placements(deployments) }

    /// The engine of one host: the same CLI (`podman` or `docker`, by name) run over ssh.
    /// `scope`: the deployments it acts on in recovery.
    func onHost(_ host: HostSpec, scope: Set<String>? = nil) -> ContainerReleaseEngine {
        var engine = ContainerEngine(executable: (local.engine.executable as NSString).lastPathComponent,
                                     runner: RemoteCommandRunner(transport: fleet.transport(host), runner: fleet.runner), environment: [:])
        engine.envFileFromStdin = true
        var containers = ContainerReleaseEngine(effective: effective, store: local.store, engine: engine, gate: local.gate, secrets: local.secrets)
        containers.address = host.address
        containers.host = host
        containers.scope = scope
        containers.grace = grace
        if local.settings?.strategy == .blueGreen {
            var proxy = RemoteNginxProxy(transport: fleet.transport(host), runner: fleet.runner, directory: "\(host.root)/proxy/\(environment)")
            proxy.grace = TimeInterval(grace)
            containers.proxy = proxy
        }
        return containers
    }

    func probe(_ hosts: [HostSpec]) async throws(Failure) {
        if let problem = await fleet.probe(hosts) { throw .host(problem) }
    }

    /// A result and failure of one placement, naming the host (and its rollout batch).
    static func onHost(_ applied: Applied, _ placement: Placement, batch: String? = nil) -> Applied {
        var result = applied.result
        result.detail = placement.host.name + (batch.map { " (\($0))" } ?? "") + (result.detail.map { ": \($0)" } ?? "")
        var failure = applied.failure
        failure?.deployment = placement.key
        return Applied(result: result, failure: failure)
    }

    /// Puts `release`'s images of `placements` on their hosts (each host once per image, hosts
    /// in parallel). Failures name the host; nothing runs differently afterwards.
    func ship(_ placements: [Placement], release: String) async -> [Applied] {
        var images: [String: Set<String>] = [:]
        var hosts: [String: HostSpec] = [:]
        for placement in placements {
            guard let image = ContainerReleaseEngine.releaseImage(placement.deployment, release: release) else { continue }
            images[placement.host.name, default: []].insert(image)
            hosts[placement.host.name] = placement.host
        }
        let needed = images
        let identities = Dictionary(Set(needed.values.flatMap { $0 }).map { ($0, local.engine.imageID($0)) }, uniquingKeysWith: { first, _ in first })
        return await boundedConcurrency(hosts.values.sorted { $0.name < $1.name }, jobs: maxParallel) { host -> [Applied] in
            await offPool { self.ship(needed[host.name] ?? [], identities: identities, to: host) }
        }.flatMap { $0 }
    }

    /// Ships `images` to `host` one after the other (blocking: run off the cooperative pool).
    func ship(_ images: Set<String>, identities: [String: String?], to host: HostSpec) -> [Applied] {
        images.sorted().compactMap { image in
            ship(image, id: identities[image] ?? nil, to: host).map { problem in
                Applied(result: DeploymentResult(name: image, action: "ship", outcome: "failed", detail: "\(host.name): \(problem)"),
                        failure: HealthFailure(deployment: "\(image)@\(host.name)", check: "ship", observed: problem, threshold: "the image is on the host"))
            }
        }
    }

    /// nil once `image` is on `host`: already there, tagged from the same image there, or
    /// streamed over (`save | ssh load`); the problem otherwise.
    func ship(_ image: String, id: String?, to host: HostSpec) -> String? {
        guard let id else { return "\(image) is not on this machine (was it pruned? `crank build` then deploy again)" }
        let remote = onHost(host).engine
        if remote.imageID(image) == id { return nil }
        if remote.imageExists(id), (try? remote.tag(id, as: image)) != nil { return nil }
        let executable = (local.engine.executable as NSString).lastPathComponent
        let command = fleet.transport(host).pipe([local.engine.executable, "save", image], environment: local.engine.environment, to: [executable, "load"])
        let loaded = fleet.runner.run(command, timeout: 900)
        guard loaded.status == 0, !loaded.timedOut else {
            return "`\(executable) save \(image) | ssh \(host.name) \(executable) load` failed: \(HostReleaseEngine.reason(loaded))"
        }
        return remote.imageID(image) == id ? nil : "\(image) did not arrive intact on \(host.name) (image id differs after load)"
    }
}

extension ContainerEngine {
    /// The image's id (hex, without docker's `sha256:`), nil when the engine does not have it.
    func imageID(_ reference: String) -> String? {
        guard let output = try? call(["image", "inspect", "--format", "{{.Id}}", reference], timeout: 30) else { return nil }
        let id = output.trimmingCharacters(in: .whitespacesAndNewlines)
        return id.hasPrefix("sha256:") ? String(id.dropFirst(7)) : id
    }
}
