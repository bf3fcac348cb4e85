/// The switch of the blue-green strategy: routes a deployment's port to the color that passed
/// its gate. crank's nginx on this machine (`NginxProxy`) or on a remote host (`RemoteNginxProxy`).
public protocol TrafficProxy: Sendable {
    /// Points `deployment`'s listener at `upstreamAddress:upstream`; returns once nothing reaches
    /// the previous upstream through the proxy any more.
    func route(_ deployment: String, listen: Int, upstream: Int) throws(NginxProxy.Failure)
    /// The upstream port `deployment`'s route points at now.
    func upstream(of deployment: String) -> Int?
    func routes() -> [NginxProxy.Route]
    /// Drops `deployment`'s route (the proxy keeps running).
    func remove(_ deployment: String) throws(NginxProxy.Failure)
    var isRunning: Bool { get }
    func stop()
    /// A port the idle color can publish on, nil when none is free.
    func freePort() -> Int?
    /// Where the colors publish their port (and the gate checks them).
    var upstreamAddress: String { get }
}
