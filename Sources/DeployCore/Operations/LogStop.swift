import Foundation

/// Ends a `crank logs --follow` (Ctrl-C): readers see `isRequested`, the programs they read
/// from are terminated.
public final class LogStop: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false
    private var processes: [Process] = []

    public init() {}

    public var isRequested: Bool { lock.lock(); defer { lock.unlock() }; return requested }

    public func request() {
        lock.lock()
        requested = true
        let running = processes
        lock.unlock()
        for process in running where process.isRunning { process.terminate() }
    }

    /// Tracks a started program; false (and the program is terminated) when a stop came first.
    func track(_ process: Process) -> Bool {
        lock.lock()
        processes.append(process)
        let stopped = requested
        lock.unlock()
        if stopped, process.isRunning { process.terminate() }
        return !stopped
    }

    /// Sleeps up to `seconds`, returning early (true) when a stop is requested.
    func wait(_ seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if isRequested { return true }
            usleep(50_000)
        }
        return isRequested
    }
}

/// Lines from several reader threads, one at a time.
final class LineSink: @unchecked Sendable {
    private let lock = NSLock()
    private let emit: @Sendable (LogLine) -> Void

    init(_ emit: @escaping @Sendable (LogLine) -> Void) { self.emit = emit }

    func send(_ lines: [LogLine]) {
        guard !lines.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        lines.forEach(emit)
    }
}
