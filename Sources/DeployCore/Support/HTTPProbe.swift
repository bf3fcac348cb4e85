import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The seam for HTTP reads (health checks, API reachability).
public protocol HTTPProbe: Sendable {
    /// The status code of `GET url`, or nil when nothing answered in time.
    func status(of url: URL, timeout: TimeInterval) async -> Int?
    /// Status, body and seconds taken of `GET url`, or nil when nothing answered in time.
    func get(_ url: URL, timeout: TimeInterval) async -> (status: Int, body: String, seconds: Double)?
}

public struct URLSessionProbe: HTTPProbe {
    public init() {}

    public func status(of url: URL, timeout: TimeInterval) async -> Int? {
        await get(url, timeout: timeout)?.status
    }

    public func get(_ url: URL, timeout: TimeInterval) async -> (status: Int, body: String, seconds: Double)? {
        let started = Date()
        var request = URLRequest(url: url)
        request.timeoutInterval = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        guard let (data, response) = try? await session.data(for: request), let http = response as? HTTPURLResponse else { return nil }
        return (http.statusCode, String(decoding: data, as: UTF8.self), Date().timeIntervalSince(started))
    }
}
