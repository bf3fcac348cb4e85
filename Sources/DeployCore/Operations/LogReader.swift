import Foundation

/// Reads the sources `LogPlanner` chose. Without --follow each source's lines are delivered
/// in turn (sources in order); with it, lines are delivered as they come, until every source
/// has ended — its deployment stopped — or the stop is requested (Ctrl-C).
public enum LogReader {
    /// `remoteLog`: where the ssh calls to hosts are logged (`remote.log`, as every call to a host).
    public static func read(_ sources: [LogSource], request: LogRequest, prefect: PrefectClient? = nil, remoteLog: RemoteCommandLog? = nil,
                            stop: LogStop, emit: @escaping @Sendable (LogLine) -> Void) async -> [OperationFailure] {
        let sink = LineSink(emit)
        let buffers: [LineBuffer] = sources.map { _ in LineBuffer() }
        var failures: [OperationFailure] = []
        await withTaskGroup(of: OperationFailure?.self) { (group: inout TaskGroup<OperationFailure?>) in
            for index in sources.indices {
                let source = sources[index]
                let buffer = buffers[index]
                let follow = request.follow
                let deliver: @Sendable ([LogLine]) -> Void = { (lines: [LogLine]) in
                    if follow { sink.send(lines) } else { buffer.append(lines) }
                }
                group.addTask { await readOne(source, request: request, prefect: prefect, remoteLog: remoteLog, stop: stop, deliver: deliver) }
            }
            for await failure in group { if let failure { failures.append(failure) } }
        }
        if !request.follow { for buffer in buffers { sink.send(buffer.lines) } }
        return failures
    }

    static func readOne(_ source: LogSource, request: LogRequest, prefect: PrefectClient?, remoteLog: RemoteCommandLog?, stop: LogStop,
                        deliver: @escaping @Sendable ([LogLine]) -> Void) async -> OperationFailure? {
        if case .prefect(let deployment, let id, let release) = source {
            guard let prefect else { return .state("no Prefect client for \(deployment)") }
            return await PrefectLogReader.read(deployment: deployment, id: id, release: release, client: prefect,
                                               request: request, stop: stop, deliver: deliver)
        }
        return await offPool { readBlocking(source, request: request, remoteLog: remoteLog, stop: stop, deliver: deliver) }
    }

    static func readBlocking(_ source: LogSource, request: LogRequest, remoteLog: RemoteCommandLog? = nil, stop: LogStop, deliver: @escaping @Sendable ([LogLine]) -> Void) -> OperationFailure? {
        switch source {
        case .file(let deployment, let path, let release, let record):
            return FileLogReader.read(deployment: deployment, path: path, release: release, record: record, request: request, stop: stop, deliver: deliver)
        case .command(let deployment, let host, let command, let alive, let nodePrefix):
            let started = Date()
            let failure = CommandLogReader.read(deployment: deployment, host: host, command: command, alive: alive, nodePrefix: nodePrefix,
                                                stop: stop, deliver: deliver)
            if host != nil, let remoteLog {
                let ended = CommandResult(status: failure == nil ? 0 : 1, stdout: "", stderr: "")
                remoteLog.append(RemoteCommandLog.line(command, result: ended, started: started, ended: Date()))
            }
            return failure
        case .prefect:
            return nil
        }
    }

    /// The last `count` of `lines` (all when nil).
    static func tail<T>(_ lines: [T], _ count: Int?) -> [T] {
        guard let count else { return lines }
        return Array(lines.suffix(max(0, count)))
    }
}

/// One source's lines, kept until every source has been read (without --follow).
final class LineBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [LogLine] = []

    func append(_ lines: [LogLine]) { lock.lock(); stored += lines; lock.unlock() }
    var lines: [LogLine] { lock.lock(); defer { lock.unlock() }; return stored }
}

/// Complete lines out of a byte stream; the unfinished rest is kept for the next chunk.
struct LineSplitter {
    private var pending = Data()

    mutating func lines(_ chunk: Data) -> [String] {
        pending.append(chunk)
        guard let last = pending.lastIndex(of: UInt8(ascii: "\n")) else { return [] }
        let complete = pending[pending.startIndex..<last]
        pending = Data(pending[(last + 1)...])
        return complete.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// What is left without a final line break.
    mutating func rest() -> [String] {
        defer { pending = Data() }
        return pending.isEmpty ? [] : [String(decoding: pending, as: UTF8.self)]
    }
}
