import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The seam for HTTP reads (health checks, API reachability).
public protocol HTTPProbe: Sendable {
    /// The status code of `GET url`, or nil when nothing answered in time.
    func status(of url: URL, timeout: TimeInterval) async -> Int?
}

public struct URLSessionProbe: HTTPProbe {
    public init() {}

    public func status(of url: URL, timeout: TimeInterval) async -> Int? {
        var request = URLRequest(url: url)
        request.timeoutInterval = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        guard let (_, response) = try? await session.data(for: request) else { return nil }
        return (response as? HTTPURLResponse)?.statusCode
    }
}
