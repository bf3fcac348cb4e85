/// `reload:` of a service or worker: how a running instance takes a new config without a
/// restart. Without it, `crank reload` restarts the deployment through the health gate.
public struct ReloadSettings: Equatable, Sendable {
    public enum Method: Equatable, Sendable {
        /// crank writes the config to the file named by `CRANK_CONFIG_FILE`, sends the signal,
        /// and waits for the process to acknowledge in `CRANK_CONFIG_APPLIED_FILE`.
        case signal(ReloadSignal)
        /// crank sends the config as a JSON body to `http://127.0.0.1:<port><path>`; a 2xx
        /// answer means applied.
        case http(method: String, path: String)
    }

    public var method: Method
    /// Seconds each instance has to apply (or acknowledge) the config.
    public var timeout: Double

    public static let defaultTimeout: Double = 10

    public init(method: Method, timeout: Double = Self.defaultTimeout) {
        self.method = method
        self.timeout = timeout
    }

    /// `signal HUP`, `http POST /admin/config`: how it is shown in plans and results.
    public var summary: String {
        switch method {
        case .signal(let signal): return "signal \(signal.rawValue)"
        case .http(let method, let path): return "http \(method) \(path)"
        }
    }
}

/// The signals a reload may send: the ones conventionally meaning "re-read your config"
/// (HUP) or left to applications (USR1, USR2). TERM, KILL, INT… stop a process and are refused.
public enum ReloadSignal: String, Sendable, CaseIterable, Codable {
    case HUP, USR1, USR2

    /// The signal's number on Linux.
    public var number: Int32 {
        switch self {
        case .HUP: return 1
        case .USR1: return 10
        case .USR2: return 12
        }
    }
}
