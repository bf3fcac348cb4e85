import Foundation

/// blue-green: the new container starts next to the old one on a free loopback port (the idle
/// color), passes the health gate, then the environment's nginx switches the deployment's port
/// to it with a graceful reload; the old color stops once nginx's old workers have drained.
extension ContainerReleaseEngine {
    static let colorLabel = "crank.color"
    static let upstreamLabel = "crank.upstream-port"

    /// `all`: the deployment's containers now.
    func switchOver(_ deployment: RenderedDeployment, release: String, states all: [ContainerEngine.State]) async -> Applied {
        let name = containerName(deployment.name, release: release)
        let exists = all.contains { $0.name == name }
        let states = all.filter { $0.name != name }
        let old = states.map(\.name)
        let serving = states.first { $0.running }
        let color = serving?.labels[Self.colorLabel] == "blue" ? "green" : "blue"
        var extra = [Self.colorLabel: color]
        var hostPort: Int?
        if Self.port(deployment) != nil {
            guard let free = proxy?.freePort() ?? LoopbackPort.free() else {
                let on = proxy?.upstreamAddress ?? address
                return Applied(result: DeploymentResult(name: deployment.name, action: "start", outcome: "failed", detail: "no free port on \(on)"),
                               failure: HealthFailure(deployment: deployment.name, check: "start", observed: "no free port on \(on)", threshold: "a free port"))
            }
            hostPort = free
            extra[Self.upstreamLabel] = String(free)
        }
        if let failure = await launch(deployment, release: release, hostPort: hostPort, extraLabels: extra, exists: exists) {
            return failure  // the old color never stopped serving
        }
        if let port = Self.port(deployment), let hostPort, let proxy {
            // A container from the recreate strategy publishes the port itself: it has to go
            // before nginx can listen there (the one switch with a gap).
            let published = states.filter { $0.running && $0.labels[Self.colorLabel] == nil }
            for container in published { try? engine.stop(container.name, grace: grace) }
            do throws(NginxProxy.Failure) {
                try proxy.route(deployment.name, listen: port, upstream: hostPort)
            } catch {
                try? engine.stop(name, grace: 1)
                for container in published { try? engine.startExisting(container.name) }
                return Applied(result: DeploymentResult(name: deployment.name, action: "switch", outcome: "failed", detail: error.message),
                               failure: HealthFailure(deployment: deployment.name, check: "switch", observed: error.message,
                                                      threshold: "nginx routes :\(port) to the new color"))
            }
        }
        for container in old {
            try? engine.stop(container, grace: grace)
            engine.remove(container)
        }
        return Applied(result: DeploymentResult(name: deployment.name, action: "switch", outcome: "deployed", detail: "\(name) (\(color))"), failure: nil)
    }

    /// Points the proxy at a running container again (after nginx was stopped, e.g. a reboot).
    func ensureRoute(_ deployment: RenderedDeployment, state: ContainerEngine.State) -> String? {
        guard settings?.strategy == .blueGreen, let proxy, let port = Self.port(deployment),
              let upstream = state.labels[Self.upstreamLabel].flatMap(Int.init) else { return nil }
        do throws(NginxProxy.Failure) {
            try proxy.route(deployment.name, listen: port, upstream: upstream)
            return nil
        } catch {
            return error.message
        }
    }

    /// Drops `deployment`'s route; stops nginx when no route is left.
    func dropRoute(_ deployment: String) {
        guard let proxy else { return }
        try? proxy.remove(deployment)
        if proxy.routes().isEmpty { proxy.stop() }
    }
}
