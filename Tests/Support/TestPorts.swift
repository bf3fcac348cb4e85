import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Ports for the services tests start, handed out from a range outside the kernel's ephemeral
/// range (32768-60999 here), so neither the ports the kernel gives outgoing connections nor
/// another test process running at the same time can take a port between the moment a test
/// picks it and the moment its service listens. `make test` gives each test process its own
/// range through CRANK_TEST_PORTS ("LOW-HIGH"): phase 1 and each heavy stream (see
/// scripts/heavy-tests.sh). Within a process a counter hands every port out once; a port
/// something else holds (checked by binding 0.0.0.0 without SO_REUSEADDR) is skipped.
enum TestPorts {
    static let range: ClosedRange<Int> = {
        let text = ProcessInfo.processInfo.environment["CRANK_TEST_PORTS"] ?? ""
        let bounds = text.split(separator: "-").compactMap { Int($0) }
        if bounds.count == 2, bounds[0] > 1024, bounds[0] < bounds[1], bounds[1] < 65536 { return bounds[0]...bounds[1] }
        return 20_000...25_999
    }()

    private static let lock = NSLock()
    nonisolated(unsafe) private static var next = range.lowerBound

    /// The next port of the range nothing holds, or nil when the range is used up.
    static func take() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        while next <= range.upperBound {
            let port = next
            next += 1
            if isFree(port) { return port }
        }
        return nil
    }

    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = INADDR_ANY
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
