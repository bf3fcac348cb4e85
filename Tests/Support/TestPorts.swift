import DeployCore
import Foundation

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
            if LoopbackPort.isFree(port) { return port }
        }
        return nil
    }
}
