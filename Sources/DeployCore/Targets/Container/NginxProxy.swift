import Foundation

/// crank's own nginx for one environment (the blue-green switch of container targets).
///
/// Everything lives in one prefix directory, e.g. `.crank/proxy/<env>/`:
/// `nginx.conf` (generated), `routes/<deployment>.conf` (one per deployment), `nginx.pid`,
/// `logs/` (error.log, access.log, start.log) and `temp/`. nginx runs as
/// `nginx -p <prefix>/ -c <prefix>/nginx.conf` with `daemon on`: it outlives crank, and the pid
/// file is the only record. The config holds no absolute path, so the prefix can move.
///
/// `route` writes a route atomically, checks the whole config with `nginx -t`, then starts nginx
/// or reloads it gracefully and returns once the old workers have finished their requests: after
/// it returns, nothing reaches the previous upstream through this proxy any more, so the caller
/// may stop the old color. A config nginx rejects leaves the previous route file in place (and
/// nginx keeps serving it). Calls on one prefix are serialised by a lock file, across processes.
public struct NginxProxy: TrafficProxy {
    /// Where routes listen. Loopback is the default: crank never opens a port to the network
    /// unless asked; a front (TLS terminator, load balancer) on the host reaches 127.0.0.1.
    public enum ListenAddress: String, Sendable, Equatable {
        case loopback = "127.0.0.1"
        case allInterfaces = "0.0.0.0"
    }

    public let directory: String
    public let nginx: String
    public let listenAddress: ListenAddress
    public let runner: any CommandRunner
    /// How long old workers may finish in-flight requests after a switch (nginx
    /// `worker_shutdown_timeout`), and how long `stop()` waits for a graceful quit.
    public var grace: TimeInterval = 10

    public init(directory: String, nginx: String = "nginx", listenAddress: ListenAddress = .loopback, runner: any CommandRunner) {
        // Absolute, so the pid file and nginx's argv name the prefix the same way in every run.
        self.directory = URL(fileURLWithPath: directory).standardizedFileURL.path
        self.nginx = nginx
        self.listenAddress = listenAddress
        self.runner = runner
    }

    /// The idle color publishes on loopback: nginx is on the same machine.
    public var upstreamAddress: String { "127.0.0.1" }

    public func freePort() -> Int? { LoopbackPort.free() }

    /// The prefix for one environment under a project's state directory (`.crank`).
    public static func directory(stateDirectory: String, environment: String) -> String {
        "\(stateDirectory)/proxy/\(environment)"
    }

    var configPath: String { "\(directory)/nginx.conf" }
    var pidPath: String { "\(directory)/nginx.pid" }
    var errorLogPath: String { "\(directory)/logs/error.log" }

    /// Points `deployment`'s listener (`<listenAddress>:<listen>`) at `127.0.0.1:<upstream>`.
    public func route(_ deployment: String, listen: Int, upstream: Int) throws(Failure) {
        try route(deployment, listen: listen, upstreams: [upstream])
    }

    /// Points `deployment`'s listener at every port of `upstreams` (balanced, failing over).
    public func route(_ deployment: String, listen: Int, upstreams: [Int]) throws(Failure) {
        let file = try routePath(deployment)
        guard !upstreams.isEmpty else { throw .invalidPort(deployment: deployment, field: "upstream", port: 0) }
        for (name, port) in [("listen", listen)] + upstreams.map({ ("upstream", $0) }) where !(1...65535).contains(port) {
            throw .invalidPort(deployment: deployment, field: name, port: port)
        }
        try withLock { () throws(Failure) in
            if let taken = routes().first(where: { $0.deployment != deployment && $0.listen == listen }) {
                throw .listenPortTaken(deployment: deployment, port: listen, by: taken.deployment)
            }
            let config = NginxConfig.main(shutdownTimeout: Int(grace.rounded(.up)))
            let text = NginxConfig.route(deployment: deployment, address: listenAddress.rawValue, listen: listen, upstreams: upstreams)
            let previous = FileManager.default.contents(atPath: file)
            let running = isRunning
            if running, previous == Data(text.utf8), FileManager.default.contents(atPath: configPath) == Data(config.utf8) { return }
            try prepareDirectories()
            try write(config, to: configPath)
            try write(text, to: file)
            do throws(Failure) {
                try check(deployment)
                if running { try reload() } else { try start() }
            } catch {
                restore(previous, at: file)
                throw error
            }
        }
    }

    /// The upstream port `deployment`'s route points at now (read from its route file).
    public func upstream(of deployment: String) -> Int? {
        guard let file = try? routePath(deployment) else { return nil }
        return NginxConfig.parseRoute(deployment: deployment, (try? String(contentsOfFile: file, encoding: .utf8)) ?? "")?.upstream
    }

    /// Every route on disk, sorted by deployment.
    public func routes() -> [Route] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: "\(directory)/routes")) ?? []
        return files.sorted().compactMap { file -> Route? in
            guard file.hasSuffix(".conf") else { return nil }
            let name = String(file.dropLast(5))
            guard Self.isValidName(name) else { return nil }
            return NginxConfig.parseRoute(deployment: name, (try? String(contentsOfFile: "\(directory)/routes/\(file)", encoding: .utf8)) ?? "")
        }
    }

    /// Drops `deployment`'s route and reloads (nginx keeps running, possibly with no routes).
    public func remove(_ deployment: String) throws(Failure) {
        let file = try routePath(deployment)
        try withLock { () throws(Failure) in
            guard let previous = FileManager.default.contents(atPath: file) else { return }
            guard unlink(file) == 0 else { throw .cannotWrite(file, reason: String(cString: strerror(errno))) }
            guard isRunning else { return }
            do throws(Failure) {
                try check(deployment)
                try reload()
            } catch {
                restore(previous, at: file)
                throw error
            }
        }
    }

    /// A route as its file says.
    public struct Route: Equatable, Sendable {
        public var deployment: String
        public var listen: Int
        public var upstream: Int
    }

    /// Deployment names as crank's config accepts them; anything else never becomes a path.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 128 else { return false }
        let lowerOrDigit: (UInt8) -> Bool = { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) }
        return lowerOrDigit(first) && name.utf8.allSatisfy { lowerOrDigit($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }
    }

    func routePath(_ deployment: String) throws(Failure) -> String {
        guard Self.isValidName(deployment) else { throw .invalidDeployment(deployment) }
        return "\(directory)/routes/\(deployment).conf"
    }
}
