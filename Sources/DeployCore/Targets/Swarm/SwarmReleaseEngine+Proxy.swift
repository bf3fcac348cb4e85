import Foundation

/// `publish: proxy`: crank's nginx on this node listens on the service's port and balances over
/// each running task's own ephemeral host port (`mode=host` without `published=`), following a
/// rolling update as Swarm replaces tasks. Needs the manager to be this node (docker_host unix://).
extension SwarmReleaseEngine {
    /// Points the service's route at `tasks`' host ports when they differ from the route's.
    /// nil when routed (or nothing to route); else why not.
    func followRoute(_ service: SwarmService, tasks: [SwarmCLI.TaskState]) -> String? {
        guard service.publish == .proxy, let port = service.port, let proxy else { return nil }
        let upstreams = Set(tasks.filter(\.running).flatMap(\.hostPorts)).sorted()
        guard !upstreams.isEmpty else { return nil }
        let file = "\(proxy.directory)/routes/\(service.deployment).conf"
        let current = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        let wanted = NginxConfig.route(deployment: service.deployment, address: proxy.listenAddress.rawValue, listen: port, upstreams: upstreams)
        if current == wanted, proxy.isRunning { return nil }
        do throws(NginxProxy.Failure) {
            try proxy.route(service.deployment, listen: port, upstreams: upstreams)
            return nil
        } catch {
            return error.message
        }
    }

    /// The ports crank's nginx routes `deployment` to now (empty: no route).
    func routedPorts(_ deployment: String) -> [Int] {
        guard let proxy else { return [] }
        let text = (try? String(contentsOfFile: "\(proxy.directory)/routes/\(deployment).conf", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line -> Int? in
            let words = line.split(whereSeparator: { $0 == " " || $0 == ";" })
            guard words.count >= 2, words[0] == "server", words[1].hasPrefix("127.0.0.1:") else { return nil }
            return Int(words[1].dropFirst("127.0.0.1:".count))
        }
    }

    /// Where a proxied service's traffic does not reach its running tasks.
    func routeDrift(_ deployment: RenderedDeployment, expected: SwarmService?, tasks: [SwarmCLI.TaskState]) -> String? {
        guard let expected, expected.publish == .proxy, expected.port != nil, proxy != nil else { return nil }
        guard proxy?.isRunning == true else { return "proxy not running (crank start brings it back)" }
        let live = Set(tasks.filter(\.running).flatMap(\.hostPorts))
        let routed = Set(routedPorts(deployment.name))
        guard live == routed else {
            return "proxy routes to \(routed.sorted().map { ":\($0)" }.joined(separator: " ")), tasks listen on \(live.sorted().map { ":\($0)" }.joined(separator: " "))"
        }
        return nil
    }
}
