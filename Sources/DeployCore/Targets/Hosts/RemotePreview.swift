import Foundation

/// One command a deploy to hosts runs, as `deploy --dry-run` shows it.
public struct RemoteStep: Equatable, Sendable, Encodable {
    public var host: String
    /// What it is for: probe, copy, environment, start, gate, image, run, …
    public var purpose: String
    /// The command as typed (`RemoteCommandLog.shown`), or what crank checks from here.
    public var command: String
}

/// Engines on hosts say which commands a deploy would run there, built by the same code that
/// runs them (commands are data). Values that only exist once the deploy runs (the old
/// process's pid, the idle color's port) are shown as `<…>`; stdin (environments, secrets)
/// is never part of a command.
public protocol RemoteCommandPreview {
    func remoteCommands(_ manifest: BuildManifest) async throws(ReleaseEngine.Failure) -> [RemoteStep]
}

extension ReleaseLedger {
    /// The placements of the deployments a deploy of `manifest` creates or updates, and the id
    /// the deploy would take.
    func changedPlacements(_ manifest: BuildManifest) async throws(ReleaseEngine.Failure) -> (placements: [HostReleaseEngine.Placement], release: String) {
        let (releases, _) = try await history()
        let diff = try await plan(manifest)
        let changed = Set(diff.deployments.filter { $0.action == .create || $0.action == .update }.map(\.name))
        let placements = HostReleaseEngine.placements(manifest.entries.map(\.deployment).filter { changed.contains($0.name) })
        return (placements, "r\((releases.map(\.number).max() ?? 0) + 1)")
    }
}

extension HostReleaseEngine: RemoteCommandPreview {
    public func remoteCommands(_ manifest: BuildManifest) async throws(Failure) -> [RemoteStep] {
        let (placements, release) = try await ledger.changedPlacements(manifest)
        var steps: [RemoteStep] = []
        for host in HostFleet.unique(placements.map(\.host)) {
            steps.append(RemoteStep(host: host.name, purpose: "probe", command: RemoteCommandLog.shown(transport(host).command(["true"]))))
            let local = SourceSnapshot.directory(root: root, environment: environment, release: release)
            let copy = transport(host).place(directory: local, at: releaseDirectory(host, release: release))
            steps.append(RemoteStep(host: host.name, purpose: "copy", command: RemoteCommandLog.shown(copy)))
        }
        for placement in placements {
            let host = placement.host
            let name = placement.deployment.name
            let port = Self.port(placement.deployment)
            let envFile = "\(host.root)/run/\(environment)/.\(name).env"
            let argv: [String]
            if case .array(let items)? = placement.deployment.spec["argv"] {
                argv = items.compactMap { if case .string(let text) = $0 { return text } else { return nil } }
            } else {
                argv = []
            }
            let start = RemoteSupervisor.call("start", [host.root, environment, name, release, port.map(String.init) ?? "-",
                                                        releaseDirectory(host, release: release), envFile] + argv)
            steps += [
                RemoteStep(host: host.name, purpose: "start \(name)", command: RemoteCommandLog.shown(transport(host).command(start)) + "   # environment via stdin"),
                RemoteStep(host: host.name, purpose: "gate \(name)", command: Self.gateText(placement.deployment, address: host.address, port: port.map(String.init) ?? "-")),
                RemoteStep(host: host.name, purpose: "stop the old \(name)",
                           command: RemoteCommandLog.shown(transport(host).command(RemoteSupervisor.call("stop", ["<old pid>", "<start ticks>", String(grace), ""])))),
            ]
        }
        return steps
    }

    /// The health check as crank runs it from here.
    static func gateText(_ deployment: RenderedDeployment, address: String, port: String) -> String {
        guard case .object(let check)? = deployment.spec["health"] else { return "(from here) the process still runs after 0.5 s" }
        if case .array? = check["exec"] { return "(over ssh, in the release directory) the health `exec:` command exits 0" }
        if case .bool(true)? = check["tcp"] { return "(from here) TCP connect \(address):\(port)" }
        if case .string(let kind)? = check["kind"], kind == "tcp" { return "(from here) TCP connect \(address):\(port)" }
        var path = "/"
        if case .string(let value)? = check["path"] { path = value }
        return "(from here) HTTP GET http://\(address):\(port)\(path)"
    }
}

extension HostContainerReleaseEngine: RemoteCommandPreview {
    public func remoteCommands(_ manifest: BuildManifest) async throws(Failure) -> [RemoteStep] {
        let (placements, release) = try await ledger.changedPlacements(manifest)
        var steps: [RemoteStep] = []
        let executable = (local.engine.executable as NSString).lastPathComponent
        for host in HostFleet.unique(placements.map(\.host)) {
            steps.append(RemoteStep(host: host.name, purpose: "probe", command: RemoteCommandLog.shown(fleet.transport(host).command(["true"]))))
            let images = Set(placements.filter { $0.host.name == host.name }.compactMap { ContainerReleaseEngine.releaseImage($0.deployment, release: release) })
            for image in images.sorted() {
                let ship = fleet.transport(host).pipe([local.engine.executable, "save", image], environment: nil, to: [executable, "load"])
                steps.append(RemoteStep(host: host.name, purpose: "image", command: RemoteCommandLog.shown(ship) + "   # unless the host has it"))
            }
        }
        for placement in placements {
            let host = placement.host
            let engine = onHost(host)
            guard let image = ContainerReleaseEngine.releaseImage(placement.deployment, release: release) else { continue }
            let blueGreen = local.settings?.strategy == .blueGreen
            let port = ContainerReleaseEngine.port(placement.deployment)
            // blue-green: the idle color's port is picked on the host when the deploy runs.
            let published = blueGreen ? "<idle port>" : port.map(String.init) ?? "-"
            let launch = engine.launch(placement.deployment, release: release, image: image, hostPort: port, extraLabels: [:], env: [:])
            let run = ContainerEngine.runArguments(launch, envFile: "/dev/stdin").map { argument in
                port.map { argument == "\(host.address):\($0):\($0)" ? "\(host.address):\(published):\($0)" : argument } ?? argument
            }
            let name = placement.deployment.name
            steps += [
                RemoteStep(host: host.name, purpose: "run \(name)",
                           command: RemoteCommandLog.shown(fleet.transport(host).command(RemoteCommandRunner.remoteArgv(ShellCommand(executable, run)))) + "   # variables via stdin"),
                RemoteStep(host: host.name, purpose: "gate \(name)", command: HostReleaseEngine.gateText(placement.deployment, address: host.address, port: published)),
            ]
            if blueGreen {
                steps.append(RemoteStep(host: host.name, purpose: "switch \(name)", command: "<crank-proxy> route \(name) → \(host.address):<idle port> (nginx -t, reload) in \(host.root)/proxy/\(environment)"))
            }
            steps.append(RemoteStep(host: host.name, purpose: "remove the old \(name)",
                                    command: RemoteCommandLog.shown(fleet.transport(host).command([executable, "stop", "-t", String(grace), "<old container>"]))))
        }
        return steps
    }
}
