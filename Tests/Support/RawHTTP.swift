import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 GET on a fresh connection (`Connection: close`), raw sockets: no client library
/// retries or pools anything, so every failure shows.
public enum RawHTTP {
    public struct Answer: Sendable {
        public var status: Int?
        public var body: String?
        public var error: String?
    }

    public static func get(address host: String = "127.0.0.1", port: Int, timeout: Int = 10) -> Answer {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return Answer(error: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr(host)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return Answer(error: "connect: \(String(cString: strerror(errno)))") }
        let request = Array("GET / HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n\r\n".utf8)
        guard send(fd, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else {
            return Answer(error: "send: \(String(cString: strerror(errno)))")
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count == 0 { break }
            guard count > 0 else { return Answer(error: "recv: \(String(cString: strerror(errno)))") }
            response += buffer[0..<count]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let head = text.range(of: "\r\n\r\n") else { return Answer(error: "incomplete response: \(text.prefix(200))") }
        let status = text.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) }
        return Answer(status: status, body: String(text[head.upperBound...]), error: status == nil ? "no status line" : nil)
    }
}

/// Sequential requests against the proxy on a background thread until stopped (or a hard cap),
/// counting answers per body and every failure (connection error or non-200). A short pause
/// between requests (~200 a second still probe every switch) keeps the loop, nginx and the
/// upstream from taking a whole core of a 2-core machine from the deploy under test.
public final class RequestLoop: @unchecked Sendable {
    public init() {}

    private let lock = NSLock()
    private var stopped = false
    private var started = false
    public private(set) var seen: [String: Int] = [:]
    public private(set) var failures: [String] = []
    public private(set) var count = 0
    private let done = DispatchSemaphore(value: 0)

    public func start(port: Int, maxRequests: Int = 50_000, maxSeconds: TimeInterval = 120, pause: useconds_t = 3_000) {
        lock.lock()
        started = true
        lock.unlock()
        Thread { [self] in
            let deadline = Date().addingTimeInterval(maxSeconds)
            while !isStopped, snapshot.count < maxRequests, Date() < deadline {
                let answer = RawHTTP.get(port: port)
                lock.lock()
                count += 1
                if answer.status == 200, let body = answer.body {
                    seen[body, default: 0] += 1
                } else {
                    failures.append(answer.error ?? "HTTP \(answer.status ?? 0): \(answer.body ?? "")")
                }
                lock.unlock()
                usleep(pause)
            }
            done.signal()
        }.start()
    }

    public var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }
    public var snapshot: (count: Int, seen: [String: Int], failures: [String]) {
        lock.lock(); defer { lock.unlock() }
        return (count, seen, failures)
    }

    /// Stops the loop and waits for its last request.
    public func stop() {
        lock.lock()
        let first = started && !stopped
        stopped = true
        lock.unlock()
        if first { done.wait() }
    }

    /// Waits until `condition` holds on the counters (or `timeout`).
    public func wait(timeout: TimeInterval = 30, until condition: ((count: Int, seen: [String: Int], failures: [String])) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(snapshot) { return true }
            usleep(20_000)
        }
        return condition(snapshot)
    }
}

extension RawHTTP {
    /// Whether a TCP connection to `address:port` is accepted.
    public static func connects(address: String, port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = UInt16(port).bigEndian
        target.sin_addr.s_addr = inet_addr(address)
        return withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
