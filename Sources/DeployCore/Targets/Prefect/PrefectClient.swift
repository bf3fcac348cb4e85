import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Prefect's REST API, spoken directly (the `prefect` CLI costs seconds per call).
/// Errors carry the server's `detail`; 5xx and connection resets are retried with backoff.
public struct PrefectClient: Sendable {
    public enum Failure: Error, Equatable {
        case unreachable(String)
        /// No answer within the request timeout (30 s): the server is up but overloaded or stuck.
        case timedOut(String)
        case status(Int, detail: String)
        case unreadable(String)

        public var isUnreachable: Bool {
            if case .unreachable = self { return true }
            return false
        }
    }

    public let apiURL: URL
    /// Bearer token for Prefect Cloud (a secret's value; never printed).
    let apiKey: String?
    /// Retries after a 5xx answer or a dropped connection (exponential backoff, ~33 s in all).
    var retries = 10
    /// Told when the server answers 503 (busy: a SQLite-backed server serializes its writes).
    public var onBusy: (@Sendable () -> Void)?

    public init(apiURL: URL, apiKey: String? = nil) {
        self.apiURL = apiURL
        self.apiKey = apiKey
    }

    /// `POST /flows/` — idempotent: the existing flow's id when it exists.
    public func ensureFlow(named name: String) async throws(Failure) -> String {
        let response = try await send("POST", "flows/", body: .object(["name": .string(name)]))
        guard case .object(let object) = response, case .string(let id)? = object["id"] else { throw .unreadable("flow without id") }
        return id
    }

    /// The ids of the flows among `names` that exist (`POST /flows/filter`), by name: one
    /// request instead of one `POST /flows/` per deployment when the flows are known.
    public func flowIDs(named names: [String]) async throws(Failure) -> [String: String] {
        var ids: [String: String] = [:]
        let unique = Array(Set(names)).sorted()
        for start in stride(from: 0, to: unique.count, by: 200) {
            let chunk = Array(unique[start..<min(start + 200, unique.count)])
            let body: JSONValue = .object(["flows": .object(["name": .object(["any_": .array(chunk.map(JSONValue.string))])]), "limit": .int(200)])
            guard case .array(let flows) = try await send("POST", "flows/filter", body: body) else { throw .unreadable("flow filter: not a list") }
            for flow in flows {
                if case .object(let object) = flow, case .string(let name)? = object["name"], case .string(let id)? = object["id"] { ids[name] = id }
            }
        }
        return ids
    }

    /// `POST /deployments/` — an upsert on flow id + name; send every field so nothing stale survives.
    public func upsertDeployment(_ body: [String: JSONValue]) async throws(Failure) -> String {
        let response = try await send("POST", "deployments/", body: .object(body))
        guard case .object(let object) = response, case .string(let id)? = object["id"] else { throw .unreadable("deployment without id") }
        return id
    }

    /// `GET /deployments/name/{flow}/{deployment}`, or nil when it does not exist.
    public func deployment(flow: String, name: String) async throws(Failure) -> JSONValue? {
        do {
            return try await send("GET", "deployments/name/\(flow.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? flow)/\(name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? name)", body: nil)
        } catch .status(404, _) {
            return nil
        }
    }

    /// 50 ms doubling up to 8 s (a SQLite lock is usually gone within milliseconds), ±20% jitter so concurrent requests do not retry in step;
    /// the server's Retry-After wins when it sends one.
    static func backoff(attempt: Int, retryAfter: Double?) async {
        let base = retryAfter ?? min(8, 0.05 * Double(1 << min(attempt - 1, 8)))
        let delay = base * Double.random(in: 0.8...1.2)
        try? await Task.sleep(nanoseconds: UInt64(delay * 1_000_000_000))
    }

    func send(_ method: String, _ path: String, body: JSONValue?) async throws(Failure) -> JSONValue {
        var request = URLRequest(url: apiURL.appendingPathComponent(path))
        request.httpMethod = method
        request.timeoutInterval = 30
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let apiKey { request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization") }
        if let body {
            var writer = JSONWriter()
            writer.value(body)
            request.httpBody = Data(writer.bytes)
        }
        var attempt = 0
        while true {
            attempt += 1
            let data: Data
            let response: URLResponse
            do {
                (data, response) = try await URLSession.shared.data(for: request)
            } catch {
                if attempt <= retries, (error as NSError).code == NSURLErrorNetworkConnectionLost {
                    await Self.backoff(attempt: attempt, retryAfter: nil)
                    continue
                }
                if (error as NSError).code == NSURLErrorTimedOut {
                    throw .timedOut("\(method) \(apiURL.absoluteString)/\(path): no answer within \(Int(request.timeoutInterval)) s")
                }
                throw .unreachable("\(apiURL.absoluteString): \(error.localizedDescription)")
            }
            let http = response as? HTTPURLResponse
            let status = http?.statusCode ?? 0
            if status == 503 { onBusy?() }
            if status >= 500 && attempt <= retries {
                // A busy server (SQLite answers 503 while the database is locked) or a restart.
                await Self.backoff(attempt: attempt, retryAfter: http?.value(forHTTPHeaderField: "Retry-After").flatMap(Double.init))
                continue
            }
            let json = data.isEmpty ? JSONValue.null : ((try? JSONReader.parse(data)) ?? .string(String(decoding: data, as: UTF8.self)))
            guard (200..<300).contains(status) else {
                var detail = String(decoding: data, as: UTF8.self)
                if case .object(let object) = json {
                    if case .string(let text)? = object["detail"] {
                        detail = text
                    } else if case .array(let problems)? = object["exception_detail"] ?? object["detail"] {
                        // FastAPI validation errors: "body.sort: Input should be …".
                        detail = problems.map { problem -> String in
                            guard case .object(let item) = problem else { return "\(problem)" }
                            var location: [String] = []
                            if case .array(let parts)? = item["loc"] {
                                location = parts.map { part in
                                    switch part { case .string(let text): return text; case .int(let number): return String(number); default: return "?" }
                                }
                            }
                            let message: String
                            if case .string(let text)? = item["msg"] { message = text } else { message = "invalid" }
                            return "\(location.joined(separator: ".")): \(message)"
                        }.joined(separator: "; ")
                    }
                }
                throw .status(status, detail: detail)
            }
            return json
        }
    }
}
