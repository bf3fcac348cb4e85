import Foundation

/// Why a deployment's port on a host is not (or not only) the started process's.
public enum HostPortProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// Before the start: something crank did not start for the environment listens on the port.
    case held(host: String, port: Int, holder: String, environment: String)
    /// crank's own process on the port did not stop.
    case stillHeld(host: String, port: Int, holder: String)
    /// After the gate passed: the port is answered by another process than the started one.
    case answeredByAnother(host: String, port: Int, holder: String, started: Int32)
    /// After the gate passed: the started process is gone (what answered was something else).
    case startedExited(host: String, port: Int, started: Int32)
    /// The host's answer about its listeners could not be read.
    case unreadable(host: String, port: Int, reason: String)

    public var description: String {
        switch self {
        case .held(let host, let port, let holder, let environment):
            return "port \(port) on \(host) is held by \(holder), which crank did not start for \(environment)"
        case .stillHeld(let host, let port, let holder):
            return "port \(port) on \(host) is still held by \(holder)"
        case .answeredByAnother(let host, let port, let holder, let started):
            return "port \(port) on \(host) is answered by \(holder), not by the started process (pid \(started))"
        case .startedExited(let host, let port, let started):
            return "port \(port) on \(host) answered, but the started process (pid \(started)) exited"
        case .unreadable(let host, let port, let reason):
            return "cannot tell what listens on port \(port) on \(host): \(reason)"
        }
    }

    /// `pid 123 (python3 app.py)`, or the socket's owner when the host hides its process.
    static func describe(_ holder: PortListing.Holder?, socket: PortListing.Socket) -> String {
        guard let holder else { return "a process of uid \(socket.uid) whose descriptors crank cannot read" }
        let command = holder.commandLine.count > 120 ? String(holder.commandLine.prefix(117)) + "…" : holder.commandLine
        return "pid \(holder.pid) (\(command))"
    }
}

extension HostReleaseEngine {
    /// What listens on `port` on the placement's host and takes its connections (nil: the host
    /// cannot tell, no /proc), and whether the started process still runs; in the same call,
    /// `stopping` (a record file) has its process stopped first.
    func listeners(_ port: Int, for placement: Placement, stopping record: String? = nil,
                   started: (pid: Int32, ticks: String)? = nil) async throws(HostPortProblem) -> (listeners: [PortListing.Listener]?, startedAlive: Bool?) {
        let host = placement.host
        let arguments = [String(port), environment, "\(host.root)/releases/\(environment)", record ?? "-", String(grace),
                         started.map { String($0.pid) } ?? "-", started?.ticks ?? "-"]
        let result = await call(host, "port", arguments)
        guard result.status == 0 else { throw .unreadable(host: host.name, port: port, reason: Self.reason(result)) }
        let listing = PortListing.parse(result.stdout)
        guard listing.known else { return (nil, listing.startedAlive) }
        let addresses = PortListing.addresses(host: host.address, bind: bindAddress(placement), reached: listing.reached)
        return (listing.listeners(answering: addresses), listing.startedAlive)
    }

    /// The address the deployment's process binds on the host (`HOST`).
    func bindAddress(_ placement: Placement) -> String? {
        if case .object(let env)? = placement.deployment.spec["env"], case .string(let host)? = env["HOST"] { return secrets.unredact(host) }
        return placement.host.address
    }

    /// Frees `port` on the placement's host before a start: the deployment's recorded process
    /// and crank's own other processes of this environment holding it are stopped; anything else
    /// holding it is the problem returned (the deployment must not start beside it, and crank
    /// never stops what it did not start).
    func claim(port: Int, for placement: Placement) async -> HostPortProblem? {
        let host = placement.host
        let record = "\(host.root)/run/\(environment)/\(placement.deployment.name)"
        do throws(HostPortProblem) {
            for attempt in 0..<3 {
                guard let listeners = try await listeners(port, for: placement, stopping: attempt == 0 ? record : nil).listeners,
                      !listeners.isEmpty else { return nil }
                for listener in listeners {
                    guard !listener.holders.isEmpty else {
                        return .held(host: host.name, port: port, holder: HostPortProblem.describe(nil, socket: listener.socket), environment: environment)
                    }
                    if let foreign = listener.holders.first(where: { $0.deployment == nil }) {
                        return .held(host: host.name, port: port, holder: HostPortProblem.describe(foreign, socket: listener.socket), environment: environment)
                    }
                }
                for holder in listeners.flatMap(\.holders) {
                    _ = await call(host, "stop", [String(holder.pid), holder.startTicks, String(grace), ""])
                }
            }
            guard let listener = try await listeners(port, for: placement).listeners?.first else { return nil }
            return .stillHeld(host: host.name, port: port, holder: HostPortProblem.describe(listener.holders.first, socket: listener.socket))
        } catch {
            return error
        }
    }

    /// After the gate passed: nil when the started process (`pid` started at `ticks`) still runs
    /// and every listener taking the placement's connections on `port` belongs to it (its
    /// session or its descendants).
    func servingProblem(port: Int, for placement: Placement, pid: Int32, ticks: String) async -> HostPortProblem? {
        let host = placement.host.name
        do throws(HostPortProblem) {
            let found = try await listeners(port, for: placement, started: (pid, ticks))
            if found.startedAlive == false { return .startedExited(host: host, port: port, started: pid) }
            for listener in found.listeners ?? [] {
                if listener.holders.isEmpty {
                    return .answeredByAnother(host: host, port: port, holder: HostPortProblem.describe(nil, socket: listener.socket), started: pid)
                }
                if let stranger = listener.holders.first(where: { !$0.belongs(to: pid) }) {
                    return .answeredByAnother(host: host, port: port, holder: HostPortProblem.describe(stranger, socket: listener.socket), started: pid)
                }
            }
            return nil
        } catch {
            return error
        }
    }
}
