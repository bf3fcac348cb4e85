import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What listens on one TCP port of a host, as the remote supervisor's `port` verb reports it from
/// the host's /proc: the listening sockets (from /proc/net/tcp and tcp6) and the processes holding
/// them (from /proc/*/fd), each with the crank deployment of this environment it belongs to, if any.
public struct PortListing: Equatable, Sendable {
    public struct Socket: Equatable, Sendable {
        /// 4 bytes (IPv4, also for an IPv4-mapped IPv6 address) or 16; all zero: the wildcard.
        public var address: [UInt8]
        public var inode: String
        public var uid: Int
    }

    public struct Holder: Equatable, Sendable {
        public var inode: String
        public var pid: Int32
        public var startTicks: String
        public var session: Int32
        /// Parent, grandparent, … up to pid 1.
        public var ancestors: [Int32]
        /// The deployment of this environment the process runs for (nil: not crank's).
        public var deployment: String?
        public var commandLine: String

        /// Whether the process is `pid`, descends from it or shares the session it leads.
        public func belongs(to pid: Int32) -> Bool {
            self.pid == pid || session == pid || ancestors.contains(pid)
        }
    }

    /// A listening socket that takes connections for the deployment, with its holders (none:
    /// the host did not let crank see who holds it — another user's process).
    public struct Listener: Equatable, Sendable {
        public var socket: Socket
        public var holders: [Holder]
    }

    /// false: the host cannot tell (no /proc/net/tcp): nothing is checked there.
    public var known = true
    /// The address ssh reached the host at (from SSH_CONNECTION).
    public var reached: [UInt8]?
    /// Whether the started process asked about still runs (nil: not asked).
    public var startedAlive: Bool?
    public var sockets: [Socket] = []
    public var holders: [Holder] = []

    public static func parse(_ output: String) -> PortListing {
        var listing = PortListing()
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 7, omittingEmptySubsequences: false).map(String.init)
            switch fields.first {
            case "unknown":
                listing.known = false
            case "reached" where fields.count == 2:
                listing.reached = IPAddress.bytes(fields[1])
            case "started" where fields.count == 2:
                listing.startedAlive = fields[1] == "alive"
            case "socket" where fields.count == 4:
                guard let address = IPAddress.fromProc(fields[1]) else { continue }
                listing.sockets.append(Socket(address: address, inode: fields[2], uid: Int(fields[3]) ?? -1))
            case "holder" where fields.count >= 7:
                guard let pid = Int32(fields[2]), let session = Int32(fields[4]) else { continue }
                let command = fields.count > 7 ? fields[7].trimmingCharacters(in: .whitespaces) : ""
                listing.holders.append(Holder(inode: fields[1], pid: pid, startTicks: fields[3], session: session,
                                              ancestors: fields[5].split(separator: ",").compactMap { Int32($0) },
                                              deployment: fields[6] == "-" ? nil : fields[6],
                                              commandLine: command.isEmpty ? "?" : command))
            default:
                continue
            }
        }
        return listing
    }

    /// The listeners that take connections to `addresses` (nil: to any address of the host) —
    /// bound to one of them or to the wildcard address — in the order the host listed them.
    public func listeners(answering addresses: Set<[UInt8]>?) -> [Listener] {
        sockets.filter { socket in
            guard let addresses else { return true }
            return socket.address.allSatisfy { $0 == 0 } || addresses.contains(socket.address)
        }.map { socket in Listener(socket: socket, holders: holders.filter { $0.inode == socket.inode }) }
    }

    /// The addresses whose connections reach a deployment on a host: the host's address and the
    /// one ssh reached it at, and the address it binds (`HOST`); nil (any address) when the
    /// deployment binds the wildcard or no address is known as a literal.
    public static func addresses(host: String, bind: String?, reached: [UInt8]?) -> Set<[UInt8]>? {
        if let bind, bind.isEmpty || IPAddress.bytes(bind).map({ $0.allSatisfy { $0 == 0 } }) == true { return nil }
        let known = [host, bind].compactMap { $0.flatMap(IPAddress.bytes) } + [reached].compactMap { $0 }
        return known.isEmpty ? nil : Set(known)
    }
}

/// IP addresses as bytes, IPv4-mapped IPv6 addresses as their 4 IPv4 bytes.
enum IPAddress {
    /// A literal address (`10.0.0.5`, `::1`, `[::1]`), or nil (a host name).
    static func bytes(_ text: String) -> [UInt8]? {
        let literal = text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
        var v4 = in_addr()
        if inet_pton(AF_INET, literal, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, literal, &v6) == 1 { return normalized(withUnsafeBytes(of: &v6) { Array($0) }) }
        return nil
    }

    /// An address of /proc/net/tcp (8 hex digits) or tcp6 (32): 32-bit words in the host's byte
    /// order, which crank takes as little-endian (x86-64, arm64).
    static func fromProc(_ hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count == 8 || digits.count == 32 else { return nil }
        var bytes: [UInt8] = []
        for word in stride(from: 0, to: digits.count, by: 8) {
            var group: [UInt8] = []
            for index in stride(from: word, to: word + 8, by: 2) {
                guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
                group.append(byte)
            }
            bytes += group.reversed()
        }
        return normalized(bytes)
    }

    static func normalized(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff else { return bytes }
        return Array(bytes[12...])
    }
}
