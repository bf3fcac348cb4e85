import CrankTestSupport
import Foundation
import Testing

/// Prefect Cloud cannot be reached from here, so a small stdlib HTTP server stands in for it
/// (a fake, on purpose): it answers 401 unless the request carries `Authorization: Bearer
/// <key>`, and records the header it saw. The real server tests cover everything else.
@Suite("Prefect Cloud API key (a fake Cloud endpoint)")
struct PrefectCloudAuthTests {
    static let fakeCloud = """
        import http.server, json, sys
        seen = open(sys.argv[2], "a")
        class Handler(http.server.BaseHTTPRequestHandler):
            def answer(self):
                auth = self.headers.get("Authorization", "")
                seen.write(auth + "\\n"); seen.flush()
                body = json.dumps({"detail": "Invalid authentication credentials"}).encode()
                self.send_response(401)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            do_GET = do_POST = do_PATCH = do_DELETE = answer
            def log_message(self, *args):
                pass
        http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
        """

    @Test("the key secret is sent as a bearer token, a 401 names the setting, and the key is never printed")
    func bearer() async throws {
        let port = try PrefectServer.freePort()
        let key = "pnu_\(UUID().uuidString)"
        let tree = try TemporaryTree([
            "cloud.py": Self.fakeCloud,
            "flows/demo.py": "from prefect import flow\n\n\n@flow\ndef hello():\n    pass\n",
            "crank.yaml": """
                project: cloudy
                deployments:
                  hi: {flow: hello}
                environments:
                  cloud:
                    target: prefect
                    prefect: {api_url: "http://127.0.0.1:\(port)/api", work_pool: p, api_key_secret: PREFECT_KEY}
                """,
        ])
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", tree.path("cloud.py"), String(port), tree.path("seen.log")]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        // SIGKILL: children of the test process may inherit a mask that blocks SIGTERM.
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }
        for _ in 0..<100 where (try? Data(contentsOf: URL(string: "http://127.0.0.1:\(port)/")!)) == nil && !FileManager.default.fileExists(atPath: tree.path("seen.log")) {
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        let root = tree.root
        let deploy = try await ProcessRunner.offPool {
            try ProcessRunner.crank(["deploy", "--env", "cloud", "-C", root], environment: ["PREFECT_KEY": key])
        }
        #expect(deploy.status == 1)
        #expect(deploy.stderr.contains("401") && deploy.stderr.contains("api_key_secret"), "\(deploy.stderr)")
        #expect(!deploy.stdout.contains(key) && !deploy.stderr.contains(key))
        let seen = try String(contentsOfFile: tree.path("seen.log"), encoding: .utf8)
        #expect(seen.split(separator: "\n").contains("Bearer \(key)"), "\(seen)")

        let missing = try await ProcessRunner.offPool { try ProcessRunner.crank(["deploy", "--env", "cloud", "-C", root]) }
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("PREFECT_KEY"), "\(missing.stderr)")
    }
}
