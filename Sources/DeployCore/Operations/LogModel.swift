import Foundation

/// What `crank logs` asks for.
public struct LogRequest: Sendable {
    /// Deployments of the live release (empty: all of them).
    public var names: [String] = []
    public var follow = false
    /// The last N lines of each deployment (nil: all that is kept).
    public var tail: Int?
    public var since: Date?
    /// The output of this release (where kept) instead of the current one.
    public var release: String?
    /// Only this host (environments with hosts).
    public var host: String?

    public init() {}
}

/// One line of a deployment's output.
public struct LogLine: Equatable, Sendable, Codable {
    public var deployment: String
    @Nullable public var host: String?
    /// When the source records it (containers, Prefect), RFC 3339.
    @Nullable public var time: String?
    public var line: String

    public init(deployment: String, host: String? = nil, time: String? = nil, line: String) {
        self.deployment = deployment
        self.host = host
        self.time = time
        self.line = line
    }

    /// `deployment` or `deployment@host`: the prefix a person sees.
    public var source: String { host.map { "\(deployment)@\($0)" } ?? deployment }
}

/// Where a deployment's output is read from: the reading plan `crank logs` executes.
public enum LogSource: Sendable, Equatable {
    /// A log file on this machine, appended to by the process `record` names (nil: none runs).
    /// `release`: only the segments crank's start markers attribute to it.
    case file(deployment: String, path: String, release: String?, record: ProcessRecord?)
    /// A program whose output lines are the log (`podman logs`, `ssh HOST tail`, `docker service
    /// logs`). With --follow it ends when the deployment stops (`podman logs -f`, the remote
    /// loop), or — `alive` commands — when they report it stopped. `nodePrefix`: each line starts
    /// with `TASK@NODE | ` (`docker service logs`), the node becomes the line's host.
    case command(deployment: String, host: String?, ShellCommand, alive: ShellCommand? = nil, nodePrefix: Bool = false)
    /// Flow-run logs of a Prefect deployment.
    case prefect(deployment: String, id: String, release: String?)

    /// The prefix its lines get (`deployment@host` where the host is known ahead).
    public var label: String {
        if case .command(let name, let host?, _, _, _) = self { return "\(name)@\(host)" }
        return deployment
    }

    public var deployment: String {
        switch self {
        case .file(let name, _, _, _), .command(let name, _, _, _, _), .prefect(let name, _, _): return name
        }
    }
}

/// The line crank writes into a local deployment's log before it starts a process: it
/// separates the output of releases in the one log file (`crank logs --release rN`).
public enum LogMarker {
    static let prefix = "==> crank: "
    static let suffix = " <=="

    public static func line(deployment: String, release: String, at time: Date) -> String {
        "\(prefix)\(deployment) \(release) started at \(RFC3339.string(time))\(suffix)"
    }

    /// The release a marker line names, nil for any other line.
    public static func release(in line: Substring) -> String? {
        guard line.hasPrefix(prefix), line.hasSuffix(suffix) else { return nil }
        let words = line.dropFirst(prefix.count).split(separator: " ")
        return words.count >= 2 ? String(words[1]) : nil
    }
}

/// RFC 3339 times, as `--since` takes and JSON prints them.
public enum RFC3339 {
    public static func string(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    public static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime]] {
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }

    /// `--since`: a duration back from `now` (`90s`, `10m`, `1h`) or an RFC 3339 time.
    public static func since(_ text: String, now: Date = Date()) -> Date? {
        if let seconds = DurationText.seconds(text) { return now.addingTimeInterval(-seconds) }
        return date(text)
    }
}

extension LogMarker {
    /// Appends the marker to a local log (created 0600 when missing); best effort — a log that
    /// cannot be written fails the start itself right after.
    static func append(to path: String, deployment: String, release: String, at time: Date = Date()) {
        try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let bytes = Array((line(deployment: deployment, release: release, at: time) + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }
}
