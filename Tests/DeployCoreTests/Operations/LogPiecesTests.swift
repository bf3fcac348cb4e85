import CrankTestSupport
import Foundation
import Testing
@testable import DeployCore

/// The pure parts of `crank exec` and `crank logs`: exit statuses, markers, line splitting,
/// the commands planned per target, and reading a real log file.
@Suite("exec and logs as data")
struct LogPiecesTests {
    @Test("a wait status becomes a shell's exit status: the code, or 128 + the signal")
    func exitStatus() {
        #expect(ExitStatus.code(waitStatus: 0) == 0)
        #expect(ExitStatus.code(waitStatus: 3 << 8) == 3)
        #expect(ExitStatus.code(waitStatus: 42 << 8) == 42)
        #expect(ExitStatus.code(waitStatus: 9) == 137)
        #expect(ExitStatus.code(waitStatus: 15 | 0x80) == 143)  // with the core-dump bit
    }

    @Test("a start marker names its release; other lines are not markers")
    func markers() {
        let line = LogMarker.line(deployment: "web", release: "r12", at: Date(timeIntervalSince1970: 0))
        #expect(line == "==> crank: web r12 started at 1970-01-01T00:00:00Z <==")
        #expect(LogMarker.release(in: Substring(line)) == "r12")
        #expect(LogMarker.release(in: "request /health") == nil)
        #expect(LogMarker.release(in: "==> crank: half a marker") == nil)
    }

    @Test("--release keeps the segments after that release's markers, up to the next marker")
    func releaseSegments() {
        var filter = FileLogReader.ReleaseFilter(release: "r2")
        let lines = ["before", "==> crank: web r1 started at T <==", "one", "==> crank: web r2 started at T <==", "two",
                     "==> crank: web r3 started at T <==", "three", "==> crank: web r2 started at T <==", "two again"]
        #expect(lines.filter { filter.accept($0) } == [lines[3], "two", lines[7], "two again"])
        #expect(filter.seen == ["r1", "r2", "r3"])
    }

    @Test("lines split across chunks come out whole; the unfinished rest on demand")
    func splitter() {
        var splitter = LineSplitter()
        #expect(splitter.lines(Data("ab".utf8)) == [])
        #expect(splitter.lines(Data("c\nd\n\ne".utf8)) == ["abc", "d", ""])
        #expect(splitter.rest() == ["e"])
        #expect(splitter.rest() == [])
    }

    @Test("docker service logs: the node becomes the host; replicas 0/N or no service is stopped")
    func swarmLines() {
        let line = CommandLogReader.line(deployment: "web", host: nil, text: "demo-cluster_web.2@node-1    | GET / 200", nodePrefix: true)
        #expect(line == LogLine(deployment: "web", host: "node-1", line: "GET / 200"))
        #expect(line.source == "web@node-1")
        #expect(CommandLogReader.line(deployment: "web", host: "h", text: "a | b", nodePrefix: false).line == "a | b")
        #expect(CommandLogReader.stoppedReplicas("0/0\n") && CommandLogReader.stoppedReplicas("") && !CommandLogReader.stoppedReplicas("2/3"))
    }

    @Test("container logs: --tail, --since (RFC 3339) and --follow become the engine's own options")
    func containerArguments() {
        var request = LogRequest()
        #expect(LogPlanner.containerLogs("demo-web-r3", request) == ["logs", "demo-web-r3"])
        request.tail = 20
        request.since = Date(timeIntervalSince1970: 1_800_000_000)
        request.follow = true
        #expect(LogPlanner.containerLogs("demo-web-r3", request) == ["logs", "--tail", "20", "--since", "2027-01-15T08:00:00Z", "--follow", "demo-web-r3"])
    }

    @Test("--since takes a duration back from now or an RFC 3339 time")
    func since() {
        let now = Date(timeIntervalSince1970: 10_000)
        #expect(RFC3339.since("10m", now: now) == Date(timeIntervalSince1970: 9_400))
        #expect(RFC3339.since("1h", now: now) == Date(timeIntervalSince1970: 6_400))
        #expect(RFC3339.since("2026-01-31T09:00:00Z") == RFC3339.date("2026-01-31T09:00:00+00:00"))
        #expect(RFC3339.since("yesterday") == nil)
    }

    @Test("exec on hosts asks ssh for a terminal only when stdin is one; the remote command stays quoted")
    func sshTerminal() {
        let transport = SSHTransport(host: HostSpec(name: "h1", address: "127.0.0.2", port: 2222, user: "root", root: "/srv"),
                                     settings: SSHSettings(), controlDirectory: "/tmp/crank-ssh-test")
        let interactive = OneOffPlanner.ssh(transport, ["python3", "-c", "print('hi')"], terminal: true)
        #expect(Array(interactive.prefix(2)) == ["ssh", "-t"])
        #expect(interactive.last == "'python3' '-c' 'print('\\''hi'\\'')'")
        #expect(OneOffPlanner.ssh(transport, ["true"], terminal: false)[1] == "-T")
    }

    @Test("what exec records: secret values redacted from crank's arguments")
    func recorded() {
        let plan = OneOffPlan(deployment: "web", release: "r1", host: nil, argv: ["sh"], environment: [:],
                              redactor: Redactor(secrets: [("API_TOKEN", "s3cret-value")]), userCommand: ["psql", "s3cret-value"])
        #expect(plan.recorded(["exec", "--env", "dev", "--", "psql", "s3cret-value"]) == ["exec", "--env", "dev", "--", "psql", "[redacted:API_TOKEN]"])
        #expect(plan.shown == "psql [redacted:API_TOKEN]")
    }

    @Test("a log file: the last N lines, one release's segment, and an unknown release lists the kept ones")
    func fileReading() throws {
        let tree = try TemporaryTree(["web.log": "==> crank: web r1 started at T <==\na\nb\n==> crank: web r2 started at T <==\nc\nd\npartial"])
        let collected = LineBuffer()
        var request = LogRequest()
        request.tail = 2
        let none = FileLogReader.read(deployment: "web", path: tree.path("web.log"), release: nil, record: nil, request: request,
                                      stop: LogStop(), deliver: { collected.append($0) })
        #expect(none == nil)
        #expect(collected.lines.map(\.line) == ["d", "partial"])
        let old = LineBuffer()
        request.tail = nil
        _ = FileLogReader.read(deployment: "web", path: tree.path("web.log"), release: "r1", record: nil, request: request, stop: LogStop(), deliver: { old.append($0) })
        #expect(old.lines.map(\.line) == ["==> crank: web r1 started at T <==", "a", "b"])
        let missing = FileLogReader.read(deployment: "web", path: tree.path("web.log"), release: "r5", record: nil, request: request, stop: LogStop(), deliver: { _ in })
        #expect(missing == .noSuchRelease("r5", deployment: "web", available: ["r1", "r2"]))
    }

    @Test("without a live release there is nothing to act on: a typed failure")
    func resolve() throws {
        #expect(throws: OperationFailure.notDeployed(environment: "dev")) { try LiveDeployment.resolve(nil, live: nil, environment: "dev") }
    }
}
