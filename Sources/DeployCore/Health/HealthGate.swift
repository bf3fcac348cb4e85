import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why a health gate failed: which check, what it saw, what it wanted.
public struct HealthFailure: Error, Equatable, Sendable, Codable {
    public var deployment: String
    public var check: String
    public var observed: String
    public var threshold: String
}

/// Polls a deployment's health check on 127.0.0.1 until it passes or its deadline passes.
public struct HealthGate: Sendable {
    public let http: any HTTPProbe
    public let runner: any CommandRunner
    public var pollInterval: TimeInterval = 0.05
    /// How often a failing gate asks whether the process still runs.
    public var aliveInterval: TimeInterval = 0.5

    public init(http: any HTTPProbe, runner: any CommandRunner) {
        self.http = http
        self.runner = runner
    }

    /// Checks `spec.health` (a rendered health object) for `deployment`; `alive` says whether
    /// the process still runs (a crash fails the gate at once); `serving`, asked once a probe
    /// passes, says why the answer did not come from the started process (nil: it did).
    /// `address`: where the port is probed (127.0.0.1, or a remote host's address).
    public func wait(deployment: String, health: JSONValue, port: Int?, address: String = "127.0.0.1", directory: String,
                     alive: @Sendable () async -> Bool, serving: (@Sendable () async -> String?)? = nil,
                     exec: (@Sendable ([String]) async -> CommandResult)? = nil) async -> HealthFailure? {
        guard case .object(let check) = health else {
            // No health check: the process must still be running a moment after start.
            try? await Task.sleep(nanoseconds: 500_000_000)
            return await alive() ? nil : HealthFailure(deployment: deployment, check: "process", observed: "exited", threshold: "running")
        }
        let timeout = Double(check["timeout"].flatMap { if case .int(let v) = $0 { return v } else { return nil } } ?? 30)
        let deadline = Date().addingTimeInterval(timeout)
        var last = "no answer"
        let kind = check["kind"].flatMap { if case .string(let v) = $0 { return v } else { return nil } } ?? "http"
        // `alive` may be costly (a container engine call): asked before the first probe, at most
        // every `aliveInterval` while probes fail, and once more before a pass counts.
        var lastAlive = Date.distantPast
        while Date() < deadline {
            if Date().timeIntervalSince(lastAlive) >= aliveInterval {
                guard await alive() else {
                    return HealthFailure(deployment: deployment, check: kind, observed: "process exited (\(last))", threshold: "running and healthy")
                }
                lastAlive = Date()
            }
            switch await probe(kind: kind, check: check, port: port, address: address, directory: directory, exec: exec) {
            case .success:
                var running = lastAlive.timeIntervalSinceNow > -pollInterval
                if !running { running = await alive() }
                guard running else {
                    return HealthFailure(deployment: deployment, check: kind, observed: "process exited (something else answered)", threshold: "running and healthy")
                }
                if kind != "exec", let stranger = await serving?() {
                    return HealthFailure(deployment: deployment, check: kind, observed: stranger, threshold: "answered by the started process")
                }
                if kind == "http", let failure = await latency(deployment: deployment, check: check, port: port, address: address) { return failure }
                return nil
            case .failure(let observed):
                last = observed.reason
            }
            try? await Task.sleep(nanoseconds: UInt64(pollInterval * 1_000_000_000))
        }
        return HealthFailure(deployment: deployment, check: kind, observed: last, threshold: expectation(kind: kind, check: check, timeout: timeout))
    }

    struct Observation: Error { var reason: String }

    /// `exec`: runs an `exec:` check somewhere else (a remote host); default: here, in `directory`.
    func probe(kind: String, check: [String: JSONValue], port: Int?, address: String = "127.0.0.1", directory: String,
               exec: (@Sendable ([String]) async -> CommandResult)? = nil) async -> Result<Void, Observation> {
        switch kind {
        case "exec":
            guard case .array(let items)? = check["exec"] else { return .failure(Observation(reason: "no command")) }
            let argv = items.compactMap { if case .string(let v) = $0 { return v } else { return nil } }
            let result: CommandResult
            if let exec { result = await exec(argv) } else { result = runner.run(ShellCommand(argv[0], Array(argv.dropFirst()), workingDirectory: directory), timeout: 10) }
            return result.status == 0 ? .success(()) : .failure(Observation(reason: "exit \(result.status)"))
        case "tcp":
            guard let port else { return .failure(Observation(reason: "no port")) }
            return Self.tcpOpen(port: port, address: address) ? .success(()) : .failure(Observation(reason: "port \(port) closed"))
        default:
            guard let port, let url = url(check: check, port: port, address: address) else { return .failure(Observation(reason: "no port")) }
            guard let (status, body, _) = await http.get(url, timeout: 2) else { return .failure(Observation(reason: "no answer")) }
            if case .int(let expected)? = check["status"] {
                if status != expected { return .failure(Observation(reason: "HTTP \(status)")) }
            } else if !(200..<300).contains(status) {
                return .failure(Observation(reason: "HTTP \(status)"))
            }
            if case .string(let needle)? = check["contains"], !body.contains(needle) {
                return .failure(Observation(reason: "body without \"\(needle)\""))
            }
            return .success(())
        }
    }

    /// `samples` timed requests; their 95th-percentile latency must stay under `p95_ms`.
    func latency(deployment: String, check: [String: JSONValue], port: Int?, address: String = "127.0.0.1") async -> HealthFailure? {
        guard case .int(let samples)? = check["samples"], samples > 1, case .int(let limit)? = check["p95_ms"],
              let port, let url = url(check: check, port: port, address: address) else { return nil }
        var times: [Double] = []
        for _ in 0..<samples {
            guard let (status, _, seconds) = await http.get(url, timeout: 5), (200..<300).contains(status) else {
                return HealthFailure(deployment: deployment, check: "http-latency", observed: "failed sample", threshold: "\(samples) samples")
            }
            times.append(seconds * 1000)
        }
        times.sort()
        let p95 = times[min(times.count - 1, Int((Double(times.count) * 0.95).rounded(.up)) - 1)]
        return p95 <= Double(limit) ? nil
            : HealthFailure(deployment: deployment, check: "http-latency", observed: String(format: "p95 %.1f ms", p95), threshold: "p95 ≤ \(limit) ms")
    }

    func url(check: [String: JSONValue], port: Int, address: String = "127.0.0.1") -> URL? {
        let path = check["path"].flatMap { if case .string(let v) = $0 { return v } else { return nil } } ?? "/health"
        let host = address.contains(":") ? "[\(address)]" : address
        return URL(string: "http://\(host):\(port)\(path.hasPrefix("/") ? path : "/" + path)")
    }

    func expectation(kind: String, check: [String: JSONValue], timeout: Double) -> String {
        switch kind {
        case "exec": return "exit 0 within \(Int(timeout)) s"
        case "tcp": return "port open within \(Int(timeout)) s"
        default:
            let status = check["status"].flatMap { if case .int(let v) = $0 { return "HTTP \(v)" } else { return nil } } ?? "HTTP 2xx"
            return "\(status) within \(Int(timeout)) s"
        }
    }

    static func tcpOpen(port: Int, address host: String = "127.0.0.1") -> Bool {
        IPv4Socket.succeeds(address: inet_addr(host), port: port) { connect($0, $1, $2) }
    }
}
