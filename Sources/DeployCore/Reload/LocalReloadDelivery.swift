import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Tells one supervised process on this machine about a new config — the only side effects
/// of a reload besides the release record.
///
/// - `signal:` writes the payload to `<run>/config/<name>.json` (the process has its path as
///   `CRANK_CONFIG_FILE`), sends the signal to the pid, and waits until the process writes the
///   payload's `release` into `CRANK_CONFIG_APPLIED_FILE` (or `{"release": …, "error": …}` to
///   refuse it). A process that ignores the signal times out; one that dies of it is unreachable.
/// - `http:` sends the payload as JSON to `http://127.0.0.1:<port><path>`: 2xx is applied,
///   any other status rejected, no answer within the timeout timed out, a refused connection
///   unreachable.
public struct LocalReloadDelivery: Sendable {
    public let runDirectory: String
    public var pollInterval: TimeInterval = 0.05

    public init(runDirectory: String) {
        self.runDirectory = runDirectory
    }

    /// In a folder of their own, so nothing takes them for process records (`<name>.json`).
    public static func configFile(runDirectory: String, deployment: String) -> String { "\(runDirectory)/config/\(deployment).json" }
    public static func appliedFile(runDirectory: String, deployment: String) -> String { "\(runDirectory)/config/\(deployment).applied" }

    public func deliver(_ settings: ReloadSettings, to record: ProcessRecord, port: Int?, payload: JSONValue, release: String) async -> ReloadOutcome {
        guard ProcessSupervisor.isAlive(record) else { return .unreachable(reason: "the process (pid \(record.pid)) is not running") }
        switch settings.method {
        case .signal(let signal):
            return await self.signal(signal, to: record, payload: payload, release: release, timeout: settings.timeout)
        case .http(let method, let path):
            guard let port, let url = URL(string: "http://127.0.0.1:\(port)\(path)") else {
                return .unreachable(reason: "no port to send the config to")
            }
            return await Self.send(method: method, url: url, body: Data(ReloadPayload.text(payload).utf8), timeout: settings.timeout)
        }
    }

    func signal(_ signal: ReloadSignal, to record: ProcessRecord, payload: JSONValue, release: String, timeout: Double) async -> ReloadOutcome {
        let configFile = Self.configFile(runDirectory: runDirectory, deployment: record.deployment)
        let appliedFile = Self.appliedFile(runDirectory: runDirectory, deployment: record.deployment)
        do {
            try AtomicFile.write(Data(ReloadPayload.text(payload).utf8), to: configFile, permissions: 0o600)
        } catch {
            return .unreachable(reason: "cannot write \(configFile): \(error.message)")
        }
        guard kill(record.pid, signal.number) == 0 else {
            return .unreachable(reason: "cannot signal pid \(record.pid): \(String(cString: strerror(errno)))")
        }
        let started = Date()
        while Date().timeIntervalSince(started) < timeout {
            if let outcome = Self.acknowledgement(in: appliedFile, release: release) { return outcome }
            ProcessSupervisor.reap(record.pid)
            if !ProcessSupervisor.isAlive(record) {
                return .unreachable(reason: "the process exited on SIG\(signal.rawValue) (does it handle the signal?)")
            }
            try? await Task.sleep(nanoseconds: UInt64(pollInterval * 1_000_000_000))
        }
        return Self.acknowledgement(in: appliedFile, release: release) ?? .timedOut(after: timeout)
    }

    /// The process's answer for `release`: the release id alone, or `{"release": …}` with an
    /// optional `"error"`; nil while it names another release (or nothing yet).
    static func acknowledgement(in file: String, release: String) -> ReloadOutcome? {
        guard let data = FileManager.default.contents(atPath: file) else { return nil }
        return acknowledgement(text: String(decoding: data, as: UTF8.self), release: release)
    }

    static func acknowledgement(text raw: String, release: String) -> ReloadOutcome? {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if text == release { return .applied(detail: nil) }
        guard text.hasPrefix("{"), case .object(let object)? = try? JSONReader.parse(Data(text.utf8)),
              case .string(let acknowledged)? = object["release"], acknowledged == release else { return nil }
        if case .string(let error)? = object["error"] { return .rejected(status: nil, body: ReloadOutcome.excerpt(error)) }
        return .applied(detail: nil)
    }

    /// One request with the JSON body; the whole exchange bounded by `timeout`.
    static func send(method: String, url: URL, body: Data, timeout: Double) async -> ReloadOutcome {
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = timeout
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        do {
            let (data, response) = try await session.data(for: request)
            guard let http = response as? HTTPURLResponse else { return .unreachable(reason: "not an HTTP answer") }
            let body = ReloadOutcome.excerpt(String(decoding: data, as: UTF8.self))
            return (200..<300).contains(http.statusCode) ? .applied(detail: body.isEmpty ? nil : body) : .rejected(status: http.statusCode, body: body)
        } catch {
            let error = error as NSError
            if error.domain == NSURLErrorDomain, error.code == NSURLErrorTimedOut { return .timedOut(after: timeout) }
            if error.domain == NSURLErrorDomain, error.code == NSURLErrorCannotConnectToHost {
                return .unreachable(reason: "nothing accepts connections on \(url.host ?? ""):\(url.port ?? 0)")
            }
            return .unreachable(reason: error.localizedDescription)
        }
    }
}
