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
    /// CRANK_TEST_PORTS, or 20000-25999 when it is unset; a value that is not LOW-HIGH (1025-65535)
    /// fails every test that asks for a port, never a silent fallback.
    static let range: Result<ClosedRange<Int>, TestFailure> = {
        guard let text = ProcessInfo.processInfo.environment["CRANK_TEST_PORTS"] else { return .success(20_000...25_999) }
        let bounds = text.split(separator: "-").compactMap { Int($0) }
        guard bounds.count == 2, bounds[0] > 1024, bounds[0] < bounds[1], bounds[1] < 65536 else {
            return .failure(TestFailure("CRANK_TEST_PORTS=\(text): use LOW-HIGH within 1025-65535, e.g. 26000-28999"))
        }
        return .success(bounds[0]...bounds[1])
    }()

    private static let lock = NSLock()
    nonisolated(unsafe) private static var next: Int?

    /// The next port of the range nothing holds.
    static func take() throws -> Int {
        let range = try range.get()
        lock.lock()
        defer { lock.unlock() }
        var port = next ?? range.lowerBound
        while port <= range.upperBound, !LoopbackPort.isFree(port) { port += 1 }
        next = port + 1
        if port <= range.upperBound { return port }
        throw TestFailure("no free port left in \(range) (CRANK_TEST_PORTS)")
    }
}
