import Foundation

/// The processes crank started for a project, read straight from /proc (independently of
/// crank's own records): session leaders whose environment names the environment and whose
/// working directory is one of the project's release directories.
public enum ProjectProcesses {
    public struct Entry: Equatable, Sendable {
        public var pid: Int32
        public var deployment: String
        public var release: String
    }

    public static func list(root: String, environment: String = "dev") -> [Entry] {
        let prefix = URL(fileURLWithPath: root).resolvingSymlinksInPath().path + "/.crank/releases/\(environment)/"
        let pids = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { Int32($0) }
        return pids.compactMap { pid -> Entry? in
            guard let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/cwd"), cwd.hasPrefix(prefix),
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.range(of: ")", options: .backwards) else { return nil }
            let fields = stat[close.upperBound...].split(separator: " ")
            // state ppid pgrp session: a session leader, not a zombie.
            guard fields.count > 3, fields[0] != "Z", Int32(fields[3]) == pid,
                  let data = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return nil }
            var env: [String: String] = [:]
            for item in data.split(separator: 0) {
                let text = String(decoding: item, as: UTF8.self)
                if let equals = text.firstIndex(of: "=") { env[String(text[..<equals])] = String(text[text.index(after: equals)...]) }
            }
            guard env["CRANK_ENVIRONMENT"] == environment, let deployment = env["CRANK_DEPLOYMENT"], let release = env["CRANK_RELEASE"] else { return nil }
            return Entry(pid: pid, deployment: deployment, release: release)
        }.sorted { ($0.deployment, $0.pid) < ($1.deployment, $1.pid) }
    }

    /// Polls until `condition` holds on the list (processes take a moment to exit), or gives up.
    public static func wait(root: String, environment: String = "dev", timeout: TimeInterval = 10, until condition: ([Entry]) -> Bool) -> [Entry] {
        let deadline = Date().addingTimeInterval(timeout)
        var current = list(root: root, environment: environment)
        while !condition(current) && Date() < deadline {
            usleep(100_000)
            current = list(root: root, environment: environment)
        }
        return current
    }
}
