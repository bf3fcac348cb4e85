import Foundation

/// A local deployment's log file: its last lines, the segments of one release (crank's start
/// markers), and — following — what the process appends until it is gone.
enum FileLogReader {
    /// Which lines belong to the asked release: those after its start marker, up to the next marker.
    struct ReleaseFilter {
        let release: String?
        private(set) var current: String?
        private(set) var seen: [String] = []

        init(release: String?) { self.release = release }

        mutating func accept(_ line: String) -> Bool {
            if let marked = LogMarker.release(in: Substring(line)) {
                current = marked
                if !seen.contains(marked) { seen.append(marked) }
            }
            return release == nil || current == release
        }
    }

    static func read(deployment: String, path: String, release: String?, record: ProcessRecord?, request: LogRequest,
                     stop: LogStop, deliver: @Sendable ([LogLine]) -> Void) -> OperationFailure? {
        var filter = ReleaseFilter(release: release)
        var splitter = LineSplitter()
        var handle = FileHandle(forReadingAtPath: path)
        defer { try? handle?.close() }
        var lines = splitter.lines(handle?.readDataToEndOfFile() ?? Data())
        // A line still being written is shown now without --follow, completed later with it.
        if !request.follow { lines += splitter.rest() }
        let kept = lines.filter { filter.accept($0) }
        if let release, !filter.seen.contains(release) {
            return .noSuchRelease(release, deployment: deployment, available: filter.seen)
        }
        let wrap: ([String]) -> [LogLine] = { $0.map { LogLine(deployment: deployment, line: $0) } }
        deliver(wrap(LogReader.tail(kept, request.tail)))
        // Nothing runs: nothing more will be written.
        guard request.follow, let record else { return nil }
        while true {
            let stopped = stop.wait(0.2)
            let running = ProcessSupervisor.isAlive(record)
            if handle == nil { handle = FileHandle(forReadingAtPath: path) }
            var more = splitter.lines(handle?.availableData ?? Data())
            if stopped || !running { more += splitter.rest() }
            deliver(wrap(more.filter { filter.accept($0) }))
            if stopped || !running { return nil }
        }
    }
}
