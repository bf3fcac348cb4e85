import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What Linux's /proc says about processes and listening sockets. Every read is best
/// effort: a process that exits mid-read simply drops out of the answer.
public enum ProcTable {
    /// The pids whose open descriptors include a socket listening on TCP `port` (any
    /// address, IPv4 or IPv6), or nil when /proc cannot tell (not Linux).
    public static func listeners(port: Int) -> [Int32]? {
        var inodes: Set<String> = []
        var readable = false
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
            readable = true
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                guard fields.count > 9, fields[3] == "0A", let colon = fields[1].lastIndex(of: ":"),
                      Int(fields[1][fields[1].index(after: colon)...], radix: 16) == port else { continue }
                inodes.insert("socket:[\(fields[9])]")
            }
        }
        guard readable else { return nil }
        guard !inodes.isEmpty else { return [] }
        return pids().filter { pid in
            let folder = "/proc/\(pid)/fd"
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return false }
            return entries.contains { inodes.contains(link("\(folder)/\($0)") ?? "") }
        }
    }

    /// Every pid in /proc.
    public static func pids() -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { Int32($0) }
    }

    /// Fields 3… of /proc/<pid>/stat (state first), after the parenthesised command name.
    static func statFields(_ pid: Int32) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let afterName = stat.range(of: ")", options: .backwards) else { return nil }
        return stat[afterName.upperBound...].split(separator: " ")
    }

    /// The parent pid and session id.
    public static func lineage(_ pid: Int32) -> (parent: Int32, session: Int32)? {
        guard let fields = statFields(pid), fields.count > 3, let parent = Int32(fields[1]), let session = Int32(fields[3]) else { return nil }
        return (parent, session)
    }

    /// Whether `pid` is `ancestor` or descends from it, or shares the session `ancestor` leads.
    public static func belongs(_ pid: Int32, to ancestor: Int32) -> Bool {
        var current = pid
        for _ in 0..<64 {
            if current == ancestor { return true }
            guard let (parent, session) = lineage(current) else { return false }
            if session == ancestor { return true }
            if parent <= 1 { return false }
            current = parent
        }
        return false
    }

    /// The process's environment, or nil when it cannot be read.
    public static func environment(_ pid: Int32) -> [String: String]? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return nil }
        var result: [String: String] = [:]
        for entry in data.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            guard let equals = text.firstIndex(of: "=") else { continue }
            result[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        return result
    }

    /// The command line, arguments joined by spaces (for messages).
    public static func commandLine(_ pid: Int32) -> String {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return "?" }
        let text = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
        return text.count > 120 ? String(text.prefix(117)) + "…" : text
    }

    /// The process's working directory.
    public static func workingDirectory(_ pid: Int32) -> String? { link("/proc/\(pid)/cwd") }

    static func link(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(path, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A holder's description for messages: `pid 123 (python3 app.py)`.
    public static func describe(_ pid: Int32) -> String { "pid \(pid) (\(commandLine(pid)))" }
}
