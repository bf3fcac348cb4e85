import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Real sshd instances standing in for machines: host i listens on 127.0.0.(i+1) (127.0.0.2,
/// .3, …) on a free port, with its own generated host key, config, pid file and `root/`
/// directory (its area of the file system), and `SetEnv CRANK_SIMULATED_HOST=<name>`. One
/// generated client key logs in to all of them; `knownHostsFile` lists every host key.
/// `make test` installs openssh-server (scripts/ssh-tools.sh); every sshd stops with this value.
public final class SimulatedHosts: @unchecked Sendable {
    public struct Host: Sendable {
        public var name: String
        public var address: String
        public var port: Int
        /// The host's own directory: deployments live under `root`.
        public var root: String
        var directory: String
    }

    public let directory: String
    public private(set) var hosts: [Host] = []
    public let identityFile: String
    public let knownHostsFile: String
    private var pids: [String: Int32] = [:]

    /// Whether each host has its own podman storage (`containers: true`).
    public let containers: Bool

    /// `containers`: each host gets its own podman storage (graph and run root under its
    /// directory, `SetEnv CONTAINERS_STORAGE_CONF=…` in its sshd config, and the project's
    /// containers.conf), so images and containers of one host are invisible to the others.
    public init(count: Int, containers: Bool = false) throws {
        self.containers = containers
        directory = FileManager.default.temporaryDirectory.path + "/crank-hosts-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        mkdir("/run/sshd", 0o755)
        identityFile = directory + "/client_key"
        knownHostsFile = directory + "/known_hosts"
        try Self.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", identityFile])
        let publicKey = try String(contentsOfFile: identityFile + ".pub", encoding: .utf8)
        var known = ""
        for index in 1...count {
            let name = "host-\(index)"
            let folder = "\(directory)/\(name)"
            let port = try PrefectServer.freePort()
            let host = Host(name: name, address: "127.0.0.\(index + 1)", port: port, root: folder + "/root", directory: folder)
            try FileManager.default.createDirectory(atPath: host.root, withIntermediateDirectories: true)
            try Self.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", folder + "/host_key"])
            try publicKey.write(toFile: folder + "/authorized_keys", atomically: true, encoding: .utf8)
            try """
                ListenAddress \(host.address):\(port)
                HostKey \(folder)/host_key
                PidFile \(folder)/sshd.pid
                AuthorizedKeysFile \(folder)/authorized_keys
                PermitRootLogin prohibit-password
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                StrictModes no
                UsePAM no
                MaxStartups 100:30:200
                MaxSessions 100
                SetEnv CRANK_SIMULATED_HOST=\(name)\(containers ? " " + Self.podmanEnvironment(folder).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") : "")
                """.write(toFile: folder + "/sshd_config", atomically: true, encoding: .utf8)
            if containers {
                try FileManager.default.createDirectory(atPath: folder + "/containers", withIntermediateDirectories: true)
                try """
                    [storage]
                    driver = "overlay"
                    graphroot = "\(folder)/containers/graph"
                    runroot = "\(folder)/containers/run"
                    """.write(toFile: folder + "/containers/storage.conf", atomically: true, encoding: .utf8)
            }
            let hostKey = try String(contentsOfFile: folder + "/host_key.pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
            known += "[\(host.address)]:\(port) \(hostKey)\n"
            hosts.append(host)
            try start(host)
        }
        try known.write(toFile: knownHostsFile, atomically: true, encoding: .utf8)
    }

    deinit {
        for host in hosts { stop(host) }
        if containers {
            for host in hosts {
                _ = try? podman(host, ["rm", "-af", "-t", "0"])
                _ = try? podman(host, ["system", "reset", "-f"])
            }
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Starts (again) the host's sshd and waits until it accepts connections.
    public func start(_ host: Host) throws {
        try Self.run("/usr/sbin/sshd", ["-f", host.directory + "/sshd_config", "-E", host.directory + "/sshd.log"])
        for _ in 0..<100 {
            if let text = try? String(contentsOfFile: host.directory + "/sshd.pid", encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
               Self.accepts(host.address, host.port) {
                pids[host.name] = pid
                return
            }
            usleep(50_000)
        }
        throw TestFailure("sshd of \(host.name) did not start: \((try? String(contentsOfFile: host.directory + "/sshd.log", encoding: .utf8)) ?? "")")
    }

    /// What a session on the host gets: its own podman storage, the project's containers.conf.
    static func podmanEnvironment(_ folder: String) -> [String: String] {
        ["CONTAINERS_STORAGE_CONF": folder + "/containers/storage.conf", "CONTAINERS_CONF": Checkout.root + "/deployment/podman/containers.conf"]
    }

    /// podman on the host's storage (run here: the simulated machines share this kernel).
    public func podman(_ host: Host, _ arguments: [String]) throws -> ProcessOutput {
        try ProcessRunner.run("/usr/bin/podman", arguments, environment: Self.podmanEnvironment(host.directory))
    }

    /// Stops the host's sshd (the machine becomes unreachable); its processes keep running.
    public func stop(_ host: Host) {
        guard let pid = pids.removeValue(forKey: host.name) else { return }
        // The listener and every connection it serves (a machine that goes away takes its
        // sessions with it): sshd's children share its session.
        for other in Self.session(of: pid) { kill(other, SIGTERM) }
        kill(pid, SIGTERM)
        for _ in 0..<100 where Self.accepts(host.address, host.port) { usleep(20_000) }
    }

    /// The pids whose session is `leader`'s.
    static func session(of leader: Int32) -> [Int32] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { Int32($0) }.filter { pid in
            guard pid != leader, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.range(of: ")", options: .backwards) else { return false }
            let fields = stat[close.upperBound...].split(separator: " ")
            return fields.count > 3 && Int32(fields[3]) == leader
        }
    }

    static func run(_ executable: String, _ arguments: [String]) throws {
        let output = try ProcessRunner.run(executable, arguments)
        guard output.status == 0 else { throw TestFailure("\(executable) \(arguments): \(output.stderr)") }
    }

    static func accepts(_ address: String, _ port: Int) -> Bool {
        RawHTTP.connects(address: address, port: port)
    }
}
