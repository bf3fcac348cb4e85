import CrankTestSupport
import Foundation
import Testing
@testable import DeployCore
#if canImport(Glibc)
import Glibc
#endif

/// crank's nginx for real: nginx-light from Debian, Python upstreams, 127.0.0.1, free ports.
/// Blocking steps run off Swift's cooperative pool (`off`); expectations stay in the test's
/// task, where Swift Testing attributes them to the test.
@Suite("nginx reverse proxy")
struct NginxProxyTests {
    @Test("route sends requests to upstream A, a switch sends them to B, upstream(of:) reports it")
    func switchRoute() async throws {
        try await withLab { lab in
            let (blue, green) = try await off { (try lab.server("blue"), try lab.server("green")) }
            let listen = try PrefectServer.freePort()

            try await off { try lab.proxy.route("api", listen: listen, upstream: blue.port) }
            #expect(lab.proxy.isRunning)
            #expect(try await get(listen).body == "blue")
            #expect(lab.proxy.upstream(of: "api") == blue.port)

            try await off { try lab.proxy.route("api", listen: listen, upstream: green.port) }
            // route returns once the old workers are gone: the very next request sees green.
            #expect(try await get(listen).body == "green")
            #expect(lab.proxy.upstream(of: "api") == green.port)
            #expect(lab.proxy.routes() == [NginxProxy.Route(deployment: "api", listen: listen, upstream: green.port)])

            try await off { try lab.proxy.remove("api") }
            #expect(lab.proxy.upstream(of: "api") == nil)
            #expect(try await get(listen).error?.hasPrefix("connect:") == true)
            #expect(lab.proxy.isRunning)
        }
    }

    @Test("switching A→B→A… under a request loop loses no request")
    func zeroDowntime() async throws {
        try await withLab { lab in
            let (blue, green) = try await off { (try lab.server("blue"), try lab.server("green")) }
            let listen = try PrefectServer.freePort()
            try await off { try lab.proxy.route("api", listen: listen, upstream: blue.port) }

            let loop = RequestLoop()
            loop.start(port: listen)
            var duringSwitches = 0
            do {
                for target in [green, blue, green, blue, green, blue] {
                    // The loop is running (progress since the last switch) before each switch...
                    let before = loop.snapshot.count
                    #expect(try await off { loop.wait { $0.count >= before + 20 } }, "the request loop made no progress")
                    let start = loop.snapshot.count
                    try await off { try lab.proxy.route("api", listen: listen, upstream: target.port) }
                    duringSwitches += loop.snapshot.count - start
                    // ...and reaches the new color after it.
                    let seen = loop.snapshot.seen[target.name] ?? 0
                    #expect(try await off { loop.wait { ($0.seen[target.name] ?? 0) > seen } }, "no answer from \(target.name) after the switch")
                }
            } catch {
                try await off { loop.stop() }
                throw error
            }
            try await off { loop.stop() }
            let result = loop.snapshot
            #expect(result.failures.isEmpty, "\(result.failures.count) of \(result.count) requests failed: \(result.failures.prefix(5))")
            #expect(Set(result.seen.keys) == ["blue", "green"])
            #expect(duringSwitches > 0, "no request ran while a switch was in progress")
        }
    }

    @Test("a route nginx rejects (nginx -t) leaves the previous one serving")
    func rejectedRoute() async throws {
        try await withLab { lab in
            let (blue, green) = try await off { (try lab.server("blue"), try lab.server("green")) }
            let listen = try PrefectServer.freePort()
            try await off { try lab.proxy.route("api", listen: listen, upstream: blue.port) }

            // A hand-edited file in routes/ breaks the whole config: nginx -t says where.
            try lab.tree.write(".crank/proxy/dev/routes/zz-hand-edit.conf", "server { listen 127.0.0.1:1; not_a_directive on; }\n")
            let rejected = await #expect(throws: NginxProxy.Failure.self) {
                try await off { try lab.proxy.route("api", listen: listen, upstream: green.port) }
            }
            guard case .rejected(let deployment, let message)? = rejected else {
                Issue.record("expected .rejected, got \(String(describing: rejected))")
                return
            }
            #expect(deployment == "api")
            #expect(message.contains("unknown directive \"not_a_directive\"") && message.contains("zz-hand-edit.conf:1"), "\(message)")
            #expect(lab.proxy.upstream(of: "api") == blue.port)
            #expect(try await get(listen).body == "blue")
            try FileManager.default.removeItem(atPath: lab.tree.path(".crank/proxy/dev/routes/zz-hand-edit.conf"))

            // Checked before nginx sees anything: ports, names, a listen port another route owns.
            await #expect(throws: NginxProxy.Failure.invalidPort(deployment: "api", field: "upstream", port: 0)) {
                try await off { try lab.proxy.route("api", listen: listen, upstream: 0) }
            }
            await #expect(throws: NginxProxy.Failure.invalidDeployment("../api")) {
                try await off { try lab.proxy.route("../api", listen: listen, upstream: green.port) }
            }
            await #expect(throws: NginxProxy.Failure.listenPortTaken(deployment: "web", port: listen, by: "api")) {
                try await off { try lab.proxy.route("web", listen: listen, upstream: green.port) }
            }
            #expect(lab.proxy.upstream(of: "api") == blue.port)
            #expect(try await get(listen).body == "blue")
        }
    }

    @Test("a listen port another process holds fails the reload; the previous routes keep serving")
    func busyListenPort() async throws {
        try await withLab { lab in
            let (blue, green) = try await off { (try lab.server("blue"), try lab.server("green")) }
            let listen = try PrefectServer.freePort()
            try await off { try lab.proxy.route("api", listen: listen, upstream: blue.port) }

            // nginx -t does not bind, so only the reload finds out (green's server holds its port).
            let failure = await #expect(throws: NginxProxy.Failure.self) {
                try await off { try lab.proxy.route("web", listen: green.port, upstream: blue.port) }
            }
            guard case .reloadFailed(let message)? = failure else {
                Issue.record("expected .reloadFailed, got \(String(describing: failure))")
                return
            }
            #expect(message.contains("Address already in use"), "\(message)")
            #expect(failure?.hint.contains("ss -ltnp") == true)
            #expect(lab.proxy.upstream(of: "web") == nil)
            #expect(try await get(listen).body == "blue")
            #expect(try await get(green.port).body == "green")
            // The proxy is still usable afterwards.
            try await off { try lab.proxy.route("api", listen: listen, upstream: green.port) }
            #expect(try await get(listen).body == "green")
        }
    }

    @Test("stop() leaves no nginx process and no pid file")
    func stop() async throws {
        try await withLab { lab in
            let blue = try await off { try lab.server("blue") }
            let listen = try PrefectServer.freePort()
            try await off { try lab.proxy.route("api", listen: listen, upstream: blue.port) }
            let master = try #require(lab.proxy.masterPID())
            let workers = NginxProcesses.children(of: master)
            #expect(!workers.isEmpty)

            try await off { lab.proxy.stop() }
            // Gone, or a zombie waiting for an init that does not reap (kill(pid, 0) succeeds on those).
            #expect(!NginxProcesses.isAlive(master))
            #expect(workers.allSatisfy { !NginxProcesses.isAlive($0) })
            #expect(!lab.proxy.isRunning)
            #expect(!FileManager.default.fileExists(atPath: lab.proxy.directory + "/nginx.pid"))
            #expect(try await get(listen).error?.hasPrefix("connect:") == true)
            try await off { lab.proxy.stop() }  // idempotent

            // The routes stay on disk; the next route starts nginx again.
            try await off { try lab.proxy.route("api", listen: listen, upstream: blue.port) }
            #expect(try await get(listen).body == "blue")
        }
    }

    /// A fixture for `body`, closed (nginx, upstreams, watchdog stopped) however `body` ends.
    func withLab(_ body: (ProxyFixture) async throws -> Void) async throws {
        let lab = try await off { try ProxyFixture() }
        do {
            try await body(lab)
        } catch {
            try? await off { lab.close() }
            throw error
        }
        try await off { lab.close() }
    }

    func off<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await ProcessRunner.offPool(work)
    }

    func get(_ port: Int) async throws -> RawHTTP.Answer {
        try await off { RawHTTP.get(port: port) }
    }
}

@Suite("nginx configuration text")
struct NginxConfigTests {
    @Test("a route file reads back as the route it was written from")
    func routeRoundTrip() {
        let text = NginxConfig.route(deployment: "ocr-api", address: "127.0.0.1", listen: 8080, upstream: 41001)
        #expect(NginxConfig.parseRoute(deployment: "ocr-api", text) == NginxProxy.Route(deployment: "ocr-api", listen: 8080, upstream: 41001))
    }

    @Test("nginx.conf names no absolute path and no user")
    func mainConfig() {
        let text = NginxConfig.main(shutdownTimeout: 10)
        let directives = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.hasPrefix("#") }
        #expect(!directives.contains { $0.contains(" /") })
        #expect(!directives.contains { $0.hasPrefix("user ") })
        #expect(directives.contains("include routes/*.conf;"))
    }

    @Test("reload outcomes: new workers, a bind still retrying, a bind given up, a config error")
    func reloadOutcomes() {
        let reloaded = "[notice] 1#1: reconfiguring\n[notice] 1#1: start worker processes\n"
        let retrying = "[emerg] 1#1: bind() to 127.0.0.1:80 failed (98: Address already in use)\n[notice] 1#1: try again to bind() after 500ms\n"
        let gaveUp = retrying + "[emerg] 1#1: still could not bind()\n"
        let broken = "[emerg] 1#1: unknown directive \"x\" in /p/routes/a.conf:1\n"
        #expect(NginxLog.reloadOutcome(reloaded) == .reloaded)
        #expect(NginxLog.reloadOutcome(retrying) == .pending)
        #expect(NginxLog.reloadOutcome(gaveUp) == .failed("bind() to 127.0.0.1:80 failed (98: Address already in use)"))
        #expect(NginxLog.reloadOutcome(broken) == .failed("unknown directive \"x\" in /p/routes/a.conf:1"))
    }
}
