import CrankTestSupport
@testable import DeployCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The remote supervisor's `port` verb: its output parsed, and which listeners take a
/// deployment's connections on a host.
struct PortListingTests {
    /// One IPv4 socket on 127.0.0.3, one IPv6 wildcard, one on 127.0.0.2; holders of the first two.
    static let output = """
        started alive
        reached 127.0.0.3
        socket 0300007F 4101 0
        socket 00000000000000000000000000000000 4102 1001
        socket 0200007F 4103 0
        holder 4101 812 9001 812 1 - /usr/bin/python3 -m http.server 8123 --bind 127.0.0.3\u{20}
        holder 4101 813 9002 812 812,1 web python3 service.py
        holder 4102 900 9100 900 1 - nginx: master process
        holder 9999 1 1 1 - - never listed

        """

    @Test("the lines parse into sockets (addresses decoded from /proc's hex) and holders with their lineage and deployment")
    func parsesLines() {
        let listing = PortListing.parse(Self.output)
        #expect(listing.known && listing.startedAlive == true)
        #expect(listing.reached == [127, 0, 0, 3])
        #expect(PortListing.parse("started exited\n").startedAlive == false && PortListing.parse("").startedAlive == nil)
        #expect(listing.sockets == [
            PortListing.Socket(address: [127, 0, 0, 3], inode: "4101", uid: 0),
            PortListing.Socket(address: Array(repeating: 0, count: 16), inode: "4102", uid: 1001),
            PortListing.Socket(address: [127, 0, 0, 2], inode: "4103", uid: 0),
        ])
        #expect(listing.holders.first == PortListing.Holder(inode: "4101", pid: 812, startTicks: "9001", session: 812, ancestors: [1], deployment: nil,
                                                            commandLine: "/usr/bin/python3 -m http.server 8123 --bind 127.0.0.3"))
        #expect(listing.holders[1].deployment == "web" && listing.holders[1].ancestors == [812, 1])
        #expect(listing.holders[2].commandLine == "nginx: master process")
        #expect(listing.holders[3].ancestors == [] && listing.holders[3].deployment == nil)
    }

    @Test("a host without /proc/net/tcp says unknown; garbled lines are skipped")
    func unknownAndGarbled() {
        #expect(!PortListing.parse("unknown\n").known)
        let listing = PortListing.parse("socket XYZ 1 0\nsocket 0100007F\nholder 1 x 1 1 - - a\nnoise\n")
        #expect(listing.sockets.isEmpty && listing.holders.isEmpty && listing.known)
    }

    @Test("/proc addresses: little-endian words; an IPv4-mapped IPv6 address is its IPv4 address")
    func procAddresses() {
        #expect(IPAddress.fromProc("0100007F") == [127, 0, 0, 1])
        #expect(IPAddress.fromProc("0000000000000000FFFF00000300007F") == [127, 0, 0, 3])
        #expect(IPAddress.fromProc("00000000000000000000000001000000") == IPAddress.bytes("::1"))
        #expect(IPAddress.fromProc("B80D0120000000000000000001000000") == IPAddress.bytes("2001:db8::1"))
        #expect(IPAddress.fromProc("0100007") == nil)
        #expect(IPAddress.bytes("[::ffff:10.0.0.5]") == [10, 0, 0, 5])
        #expect(IPAddress.bytes("web-1.example.com") == nil)
    }

    @Test("the listeners taking a host's connections: on its address or the wildcard; every one when it binds the wildcard")
    func listenersOfAHost() {
        let listing = PortListing.parse(Self.output)
        let addresses = PortListing.addresses(host: "127.0.0.3", bind: "127.0.0.3", reached: listing.reached)
        #expect(addresses == [[127, 0, 0, 3]])
        let listeners = listing.listeners(answering: addresses)
        #expect(listeners.map(\.socket.inode) == ["4101", "4102"])
        #expect(listeners[0].holders.map(\.pid) == [812, 813])
        #expect(listeners[1].holders.map(\.pid) == [900])
        // A host name: the address ssh reached the host at stands for it.
        #expect(PortListing.addresses(host: "web-1.example.com", bind: "web-1.example.com", reached: [10, 0, 0, 5]) == [[10, 0, 0, 5]])
        #expect(PortListing.addresses(host: "web-1.example.com", bind: nil, reached: nil) == nil)
        #expect(PortListing.addresses(host: "127.0.0.3", bind: "0.0.0.0", reached: nil) == nil)
        #expect(PortListing.addresses(host: "127.0.0.3", bind: "::", reached: nil) == nil)
        #expect(listing.listeners(answering: nil).count == 3)
        #expect(listing.listeners(answering: [[127, 0, 0, 9]]).map(\.socket.inode) == ["4102"], "the wildcard takes every address")
    }

    @Test("a holder belongs to the started process when it is it, shares its session or descends from it")
    func belonging() {
        let holders = PortListing.parse(Self.output).holders
        #expect(holders[0].belongs(to: 812) && holders[1].belongs(to: 812))
        #expect(!holders[2].belongs(to: 812))
        let grandchild = PortListing.Holder(inode: "1", pid: 50, startTicks: "1", session: 49, ancestors: [48, 812, 1], deployment: "web", commandLine: "w")
        #expect(grandchild.belongs(to: 812) && !grandchild.belongs(to: 48_000))
    }

    @Test("the problems name the host, the port and the holder's pid and command line")
    func problems() {
        let listing = PortListing.parse(Self.output)
        let holder = HostPortProblem.describe(listing.holders[0], socket: listing.sockets[0])
        #expect(HostPortProblem.held(host: "host-2", port: 8123, holder: holder, environment: "prod").description
                == "port 8123 on host-2 is held by pid 812 (/usr/bin/python3 -m http.server 8123 --bind 127.0.0.3), which crank did not start for prod")
        #expect(HostPortProblem.answeredByAnother(host: "host-2", port: 8123, holder: "pid 900 (nginx: master process)", started: 812).description
                == "port 8123 on host-2 is answered by pid 900 (nginx: master process), not by the started process (pid 812)")
        #expect(HostPortProblem.describe(nil, socket: listing.sockets[1]) == "a process of uid 1001 whose descriptors crank cannot read")
        #expect(HostPortProblem.startedExited(host: "host-2", port: 8123, started: 812).description
                == "port 8123 on host-2 answered, but the started process (pid 812) exited")
    }

    @Test("the supervisor's port verb, run on this machine, names a listener's holder, and crank's own by its environment and directory")
    func verbOnThisMachine() throws {
        let tree = try TemporaryTree(["releases/prod/r1/.keep": ""])
        let port = try PrefectServer.freePort()
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        child.arguments = ["python3", "-c", "import socket, time\ns = socket.socket()\ns.bind(('127.0.0.1', \(port)))\ns.listen()\ntime.sleep(60)"]
        child.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "CRANK_ENVIRONMENT": "prod", "CRANK_DEPLOYMENT": "web"]
        child.currentDirectoryURL = URL(fileURLWithPath: tree.path("releases/prod/r1"))
        try child.run()
        defer { kill(child.processIdentifier, SIGKILL); child.waitUntilExit() }
        for _ in 0..<100 where !RawHTTP.connects(address: "127.0.0.1", port: port) { usleep(50_000) }

        func listing(_ environment: String) -> PortListing {
            let argv = RemoteSupervisor.call("port", [String(port), environment, tree.path("releases/prod"), "-", "0", String(child.processIdentifier), "nope"])
            let result = ProcessCommandRunner().run(ShellCommand(argv[0], Array(argv.dropFirst())), timeout: 20)
            #expect(result.status == 0, "\(result.stderr)")
            return PortListing.parse(result.stdout)
        }
        let ours = listing("prod")
        #expect(ours.startedAlive == false, "a pid asked with other start ticks is not the started process")
        #expect(ours.sockets.map(\.address) == [[127, 0, 0, 1]])
        let holder = try #require(ours.holders.first)
        #expect(ours.holders.count == 1 && holder.pid == child.processIdentifier && holder.deployment == "web", "\(ours)")
        #expect(holder.commandLine.contains("python3 -c import socket") && !holder.commandLine.contains("\n"), "\(holder.commandLine)")
        #expect(holder.ancestors.contains(getpid()) && holder.belongs(to: getpid()))
        #expect(listing("staging").holders.map(\.deployment) == [nil], "another environment's process is not crank's own")
        #expect(listing("prod").listeners(answering: [[127, 0, 0, 2]]).isEmpty, "a listener on another address does not count")
    }
}
