import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What crank reads about nginx's processes (Linux /proc).
enum NginxProcesses {
    /// Alive and not a zombie (a daemon's parent is init, which may not reap it in a container).
    static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 1, kill(pid, 0) == 0 || errno == EPERM else { return false }
        return state(pid) != "Z"
    }

    /// Whether `pid` is an nginx process (the master when `master`), from its title.
    static func isNginx(_ pid: Int32, master: Bool = false) -> Bool {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return !master }
        let title = String(decoding: data, as: UTF8.self)
        return master ? title.hasPrefix("nginx: master process") : title.hasPrefix("nginx:")
    }

    /// The live child processes of `parent` (nginx's workers), from /proc/*/stat.
    static func children(of parent: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let fields = statFields(pid), fields.count > 1 else { return false }
            return Int32(fields[1]) == parent && fields[0] != "Z"
        }
    }

    /// Polls `condition` every 10 ms until it holds (true) or `timeout` passes (false).
    static func wait(until condition: () -> Bool, timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if condition() { return true }
            if Date() >= deadline { return false }
            usleep(10_000)
        }
    }

    static func state(_ pid: Int32) -> Substring? { statFields(pid)?.first }

    /// /proc/<pid>/stat from field 3 (state) on; the name before it may hold spaces.
    static func statFields(_ pid: Int32) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let afterName = stat.range(of: ")", options: .backwards) else { return nil }
        return stat[afterName.upperBound...].split(separator: " ")
    }
}

/// Reading nginx's error output: `nginx -t` stderr, the start log, the error log after a reload.
enum NginxLog {
    enum ReloadOutcome: Equatable {
        case pending
        case reloaded
        case failed(String)
    }

    /// The `[emerg]` messages (without timestamps and pids), one per line, or nil when none.
    static func errors(in text: String) -> String? {
        var seen: [String] = []
        for line in text.split(separator: "\n") where line.contains("[emerg]") {
            var message = line[line.range(of: "[emerg]")!.upperBound...].drop(while: { $0 == " " })
            if let pidEnd = message.range(of: ": "), message[..<pidEnd.lowerBound].contains("#") {
                message = message[pidEnd.upperBound...]
            }
            let text = String(message)
            if !seen.contains(text) { seen.append(text) }
        }
        return seen.isEmpty ? nil : seen.joined(separator: "\n")
    }

    /// What the master logged after a SIGHUP: new workers, or a failure it will not retry.
    static func reloadOutcome(_ log: String) -> ReloadOutcome {
        if log.contains("start worker processes") { return .reloaded }
        let emergencies = log.split(separator: "\n").filter { $0.contains("[emerg]") }
        // A busy port is retried 5 times (500 ms apart) before "still could not bind()".
        let final = emergencies.contains { !$0.contains("bind() to") || $0.contains("still could not bind()") }
        guard final else { return .pending }
        let message = errors(in: emergencies.filter { !$0.contains("still could not bind()") }.joined(separator: "\n"))
        return .failed(message ?? "nginx could not bind its listeners")
    }

    static func size(_ path: String) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    /// The text of `path` from byte `offset` (from the start when the file was rotated).
    static func read(_ path: String, from offset: UInt64) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "" }
        defer { try? handle.close() }
        let start = size(path) < offset ? 0 : offset
        try? handle.seek(toOffset: start)
        return String(decoding: (try? handle.readToEnd()) ?? Data(), as: UTF8.self)
    }
}
