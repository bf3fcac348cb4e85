import CrankTestSupport
import DeployCore
import Foundation
import Testing
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A project whose `staging` environment deploys to the real Prefect server the tests start.
/// Flow names carry the project name, so tests sharing the server never share a deployment.
struct PrefectProject {
    let tree: TemporaryTree
    let api: URL
    let project: String
    let pool: String
    let token = "tok-\(UUID().uuidString)"
    let client: PrefectClient

    static func flows(_ project: String, token: String) -> String {
        """
        import os

        from prefect import flow


        @flow(name="\(project)-greet")
        def greet(name: str = "world", times: int = 1, tags: list[str] | None = None) -> str:
            \"\"\"Says hello.\"\"\"
            if name == "fail":
                raise ValueError("asked to fail")
            if name == "needs-secret" and os.environ.get("GREET_TOKEN") != "\(token)":
                raise ValueError("the worker did not resolve the secret")
            return f"hello {name}" * times


        @flow(name="\(project)-report")
        def report(day: str, verbose: bool = False) -> str:
            return day
        """
    }

    static func config(_ project: String, pool: String, api: String, daily: Bool = true, smoke: Bool = false) -> String {
        """
        project: \(project)
        flows: {paths: [flows]}
        deployments:
          hello:
            flow: \(project)-greet
            description: Says hello.
            parameters: {name: "${GREET_NAME:-crank}"}
            schedule: {cron: "0 6 * * 1-5", timezone: "Europe/Berlin"}
            tags: [demo]
            secrets: [GREET_TOKEN]
        \(smoke ? "    smoke: {parameters: {name: \"${SMOKE_NAME:-needs-secret}\"}, timeout: 150}\n" : "")\(daily ? """
          daily:
            flow: \(project)-report
            parameters: {day: "2026-01-01"}
            schedule: {interval: 3600}

        """ : "")environments:
          staging:
            target: prefect
            prefect: {api_url: "\(api)", work_pool: \(pool)}
        """
    }

    init(smoke: Bool = false, api: URL? = nil) async throws {
        let server = try await PrefectServer.shared.apiURL()
        self.api = api ?? server
        let suffix = UUID().uuidString.prefix(8).lowercased()
        project = "pt-\(suffix)"
        pool = "pool-\(suffix)"
        tree = try TemporaryTree([
            "flows/demo.py": Self.flows(project, token: token),
            "crank.yaml": Self.config(project, pool: pool, api: self.api.absoluteString, smoke: smoke),
        ])
        client = PrefectClient(apiURL: server)
    }

    func crank(_ arguments: [String], _ environment: [String: String] = [:]) async throws -> ProcessOutput {
        var env = ["GREET_TOKEN": token]
        env.merge(environment) { _, new in new }
        let (root, variables) = (tree.root, env)
        return try await ProcessRunner.offPool { try ProcessRunner.crank(arguments + ["-C", root], environment: variables) }
    }

    func deployment(_ name: String) async throws -> [String: JSONValue]? {
        let flow = name == "hello" ? "\(project)-greet" : "\(project)-report"
        guard case .object(let object)? = try await client.deployment(flow: flow, name: name) else { return nil }
        return object
    }

    /// crank's deployments of staging in the server, by name.
    func registered() async throws -> [String] {
        try await client.deployments(taggedWithAll: ["crank", "crank-env:staging", "crank-project:\(project)"]).compactMap { item -> String? in
            guard case .object(let object) = item, case .string(let name)? = object["name"] else { return nil }
            return name
        }.sorted()
    }

    /// Sends a raw request (hand edits "in the UI").
    func request(_ method: String, _ path: String, query: String = "", body: String? = nil) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: api.appendingPathComponent(path).absoluteString + query)!)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = body.map { Data($0.utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    func withWorker<T>(_ body: (RunningWorker) async throws -> T) async throws -> T {
        try await withPrefectWorker(api: api, pool: pool, home: tree.path(".prefect-worker-home"), body)
    }

    func history() async throws -> [[String: Any]] {
        let output = try await crank(["history", "--env", "staging", "--json"])
        guard output.status == 0 else { throw TestFailure("history failed: \(output.stderr)") }
        return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]])
    }
}

/// Runs one real `prefect worker start --pool P` (polling every second) until `body` is done: it
/// executes the flow runs crank creates. One long-lived worker, not `--run-once` in a loop: each
/// start of the prefect CLI costs ~5 s of CPU, which a loop spent over and over on a 2-core machine.
func withPrefectWorker<T>(api: URL, pool: String, home: String, _ body: (RunningWorker) async throws -> T) async throws -> T {
    let python = try ProcessRunner.prefectPython()
    let prefect = (python as NSString).deletingLastPathComponent + "/prefect"
    try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    let logPath = home + "/worker.log"
    FileManager.default.createFile(atPath: logPath, contents: nil)
    let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
    let worker = Process()
    worker.executableURL = URL(fileURLWithPath: prefect)
    worker.arguments = ["worker", "start", "--pool", pool]
    worker.environment = ProcessInfo.processInfo.environment.merging([
        "PREFECT_API_URL": api.absoluteString, "PREFECT_HOME": home, "PREFECT_WORKER_QUERY_SECONDS": "1",
    ]) { _, new in new }
    worker.standardOutput = log
    worker.standardError = log
    try worker.run()
    let flag = RunningWorker(logPath: logPath)
    defer {
        worker.interrupt()
        let deadline = Date().addingTimeInterval(10)
        while worker.isRunning, Date() < deadline { usleep(50_000) }
        if worker.isRunning { kill(worker.processIdentifier, SIGKILL) }
        worker.waitUntilExit()
        try? log.close()
    }
    return try await body(flag)
}

/// The running worker, as the test body sees it.
final class RunningWorker: Sendable {
    private let logPath: String
    init(logPath: String) { self.logPath = logPath }
    /// The end of the worker's output (for failure messages).
    var log: String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return String(text.suffix(3000))
    }
}

func string(_ value: JSONValue?) -> String? {
    if case .string(let text)? = value { return text }
    return nil
}

@Suite("the Prefect target against a real Prefect server")
struct PrefectTargetTests {
    @Test("deploy registers every field (read back through the API); the secret stays a block reference")
    func deployFields() async throws {
        try await PrefectServer.exclusively {
            let project = try await PrefectProject()
            let deploy = try await project.crank(["deploy", "--env", "staging", "--create-pools", "--json"])
            #expect(deploy.status == 0, "\(deploy.stderr)")
            #expect(!deploy.stdout.contains(project.token) && !deploy.stderr.contains(project.token))
            let outcome = try deploy.jsonObject()
            #expect(outcome["release"] as? String == "r1")
            #expect(outcome["status"] as? String == "live")

            let pool = try #require(try await project.client.workPool(named: project.pool))
            guard case .object(let poolObject) = pool else { throw TestFailure("work pool is not an object") }
            #expect(poolObject["type"] == .string("process"))

            let hello = try #require(try await project.deployment("hello"))
            #expect(hello["version"] == .string("r1"))
            #expect(hello["description"] == .string("Says hello."))
            #expect(hello["entrypoint"] == .string("flows/demo.py:greet"))
            #expect(hello["parameters"] == .object(["name": .string("crank")]))
            #expect(hello["tags"] == .array(["demo", "crank", "crank-env:staging", "crank-project:\(project.project)"].map(JSONValue.string)))
            #expect(hello["work_pool_name"] == .string(project.pool))
            #expect(hello["work_queue_name"] == .string("default"))
            #expect(hello["enforce_parameter_schema"] == .bool(true))
            #expect(hello["pull_steps"] == .array([.object(["prefect.deployments.steps.set_working_directory": .object(["directory": .string(project.tree.root)])])]))
            guard case .object(let schema)? = hello["parameter_openapi_schema"], case .object(let properties)? = schema["properties"] else {
                throw TestFailure("no parameter schema: \(String(describing: hello["parameter_openapi_schema"]))")
            }
            #expect(properties.keys.sorted() == ["name", "tags", "times"])
            #expect(properties["times"] == .object(["default": .int(1), "position": .int(1), "title": .string("times"), "type": .string("integer")]))
            guard case .array(let schedules)? = hello["schedules"], case .object(let first)? = schedules.first, case .object(let cron)? = first["schedule"] else {
                throw TestFailure("no schedule")
            }
            #expect(schedules.count == 1)
            #expect(cron["cron"] == .string("0 6 * * 1-5") && cron["timezone"] == .string("Europe/Berlin"))
            let block = PrefectNames.slug("crank-\(project.project)-staging-GREET_TOKEN")
            #expect(hello["job_variables"] == .object(["env": .object(["GREET_TOKEN": .string("{{ prefect.blocks.secret.\(block) }}")])]))

            let daily = try #require(try await project.deployment("daily"))
            guard case .object(let reportSchema)? = daily["parameter_openapi_schema"] else { throw TestFailure("no schema for daily") }
            #expect(reportSchema["required"] == .array([.string("day")]))
            guard case .array(let intervals)? = daily["schedules"], case .object(let entry)? = intervals.first, case .object(let interval)? = entry["schedule"] else {
                throw TestFailure("no interval schedule")
            }
            #expect(interval["interval"] == .double(3600) || interval["interval"] == .int(3600))

            // The secret's value went to a Prefect Secret block, and nowhere else crank wrote.
            let (status, data) = try await project.request("GET", "block_types/slug/secret/block_documents/name/\(block)", body: nil)
            #expect(status == 200)
            #expect(!String(decoding: data, as: UTF8.self).contains(project.token), "the block is returned without its secret by default")
            let (_, revealed) = try await project.request("GET", "block_types/slug/secret/block_documents/name/\(block)", query: "?include_secrets=true")
            #expect(String(decoding: revealed, as: UTF8.self).contains(project.token))
            let stateFiles = FileManager.default.enumerator(atPath: project.tree.path(".crank"))?.compactMap { $0 as? String } ?? []
            for file in stateFiles {
                let text = (try? String(contentsOfFile: project.tree.path(".crank/" + file), encoding: .utf8)) ?? ""
                #expect(!text.contains(project.token), "secret value in .crank/\(file)")
            }

            let again = try await project.crank(["deploy", "--env", "staging", "--json"])
            #expect(again.status == 0)
            #expect(try again.jsonObject()["status"] as? String == "unchanged")

            // A rotated secret is a change (shown without its value) and reaches the block.
            let rotated = "rotated-\(UUID().uuidString)"
            let plan = try await project.crank(["plan", "--env", "staging"], ["GREET_TOKEN": rotated])
            #expect(plan.stdout.contains("secret GREET_TOKEN") && !plan.stdout.contains(rotated), "\(plan.stdout)")
            #expect(try await project.crank(["deploy", "--env", "staging"], ["GREET_TOKEN": rotated]).status == 0)
            let (_, updated) = try await project.request("GET", "block_types/slug/secret/block_documents/name/\(block)", query: "?include_secrets=true")
            #expect(String(decoding: updated, as: UTF8.self).contains(rotated))
        }
    }

    @Test("update, drift from a hand edit, prune, rollback, pause/resume and clean")
    func lifecycle() async throws {
        try await PrefectServer.exclusively {
            let project = try await PrefectProject()
            #expect(try await project.crank(["deploy", "--env", "staging", "--create-pools"]).status == 0)

            // A config change is an update of that deployment only, as the next release.
            let plan = try await project.crank(["plan", "--env", "staging", "--detailed-exitcode"], ["GREET_NAME": "ops"])
            #expect(plan.status == 2)
            #expect(plan.stdout.contains("parameters.name"), "\(plan.stdout)")
            #expect(try await project.crank(["deploy", "--env", "staging"], ["GREET_NAME": "ops"]).status == 0)
            #expect(try await project.deployment("hello")?["version"] == .string("r2"))
            #expect(try await project.deployment("hello")?["parameters"] == .object(["name": .string("ops")]))
            #expect(try await project.deployment("daily")?["version"] == .string("r1"), "an unchanged deployment is not re-registered")

            // A hand edit in the server is drift: plan and status show it, deploy repairs it.
            let id = try #require(string(try await project.deployment("hello")?["id"]))
            let (patched, _) = try await project.request("PATCH", "deployments/\(id)", body: #"{"description": "edited by hand"}"#)
            #expect(patched == 204)
            let drift = try await project.crank(["plan", "--env", "staging", "--detailed-exitcode"], ["GREET_NAME": "ops"])
            #expect(drift.status == 2)
            #expect(drift.stdout.contains("description") && drift.stdout.contains("edited by hand"), "\(drift.stdout)")
            let status = try await project.crank(["status", "--env", "staging", "--json"], ["GREET_NAME": "ops"])
            #expect(status.status == 1)
            #expect(status.stdout.contains("changed in the server: description"), "\(status.stdout)")
            #expect(try await project.crank(["deploy", "--env", "staging"], ["GREET_NAME": "ops"]).status == 0)
            #expect(try await project.deployment("hello")?["description"] == .string("Says hello."))

            // Removed from config: kept (and reported) until --prune deletes it.
            try project.tree.write("crank.yaml", PrefectProject.config(project.project, pool: project.pool, api: project.api.absoluteString, daily: false))
            let kept = try await project.crank(["deploy", "--env", "staging", "--json"], ["GREET_NAME": "ops"])
            #expect(kept.stdout.contains("orphaned"), "\(kept.stdout)")
            #expect(try await project.registered() == ["daily", "hello"])
            let pruned = try await project.crank(["deploy", "--env", "staging", "--prune", "--json"], ["GREET_NAME": "ops"])
            #expect(pruned.status == 0, "\(pruned.stderr)")
            #expect(try await project.registered() == ["hello"])
            let live = try #require(try await project.history().first)
            #expect(live["status"] as? String == "live")

            // Rollback re-applies the recorded release: daily comes back, hello gets r1's parameters.
            let rollback = try await project.crank(["rollback", "--env", "staging", "--to", "r1", "--json"])
            #expect(rollback.status == 0, "\(rollback.stderr)")
            #expect(try await project.registered() == ["daily", "hello"])
            #expect(try await project.deployment("hello")?["parameters"] == .object(["name": .string("crank")]))
            #expect(try await project.deployment("hello")?["version"] == .string("r1"))
            #expect(try await project.history().first { $0["id"] as? String == "r1" }?["status"] as? String == "live")

            // stop pauses, start resumes; restart has no meaning here and says so.
            #expect(try await project.crank(["stop", "--env", "staging", "hello"]).status == 0)
            #expect(try await project.deployment("hello")?["paused"] == .bool(true))
            #expect(try await project.crank(["start", "--env", "staging", "--all"]).status == 0)
            #expect(try await project.deployment("hello")?["paused"] == .bool(false))
            let restart = try await project.crank(["restart", "--env", "staging", "hello"])
            #expect(restart.status == 1 && restart.stderr.contains("crank stop"), "\(restart.stderr)")

            // clean deletes crank's deployments of the environment; the history stays.
            #expect(try await project.crank(["clean", "--env", "staging", "--yes"]).status == 0)
            #expect(try await project.registered().isEmpty)
            #expect(try await project.history().allSatisfy { $0["status"] as? String != "live" })
        }
    }

    @Test("history and the lock live in the server: deleting .crank/ loses neither")
    func serverState() async throws {
        try await PrefectServer.exclusively {
            let project = try await PrefectProject()
            #expect(try await project.crank(["deploy", "--env", "staging", "--create-pools"]).status == 0)
            try FileManager.default.removeItem(atPath: project.tree.path(".crank"))
            let history = try await project.history()
            #expect(history.map { $0["id"] as? String } == ["r1"])
            #expect(try await project.crank(["deploy", "--env", "staging"], ["GREET_NAME": "again"]).status == 0)
            #expect(try await project.history().map { $0["id"] as? String } == ["r2", "r1"], "numbering continues from the server's history")
            let audit = try await project.client.artifactVersions(key: PrefectNames.slug("crank-\(project.project)-staging") + "-audit")
            #expect(audit.count == 2)

            // A lock held elsewhere (another CI machine) stops a deploy here, even with a fresh .crank/.
            let lock = PrefectLock(client: project.client, project: project.project, environment: "staging")
            let holder: JSONValue = .object(["pid": .int(4242), "host": .string("ci-runner-7"), "user": .string("ci"), "command": .string("crank deploy --env staging"),
                                              "since": .string(ISO8601DateFormatter().string(from: Date())), "ttl_seconds": .int(3600)])
            try await project.client.createVariable(named: lock.name, value: holder)
            try FileManager.default.removeItem(atPath: project.tree.path(".crank"))
            let blocked = try await project.crank(["deploy", "--env", "staging"], ["GREET_NAME": "blocked"])
            #expect(blocked.status == 3)
            #expect(blocked.stderr.contains("ci@ci-runner-7"), "\(blocked.stderr)")
            let status = try await project.crank(["lock", "status", "--env", "staging"])
            #expect(status.stdout.contains("locked by ci@ci-runner-7"))
            #expect(try await project.crank(["lock", "release", "--env", "staging", "--force", "--reason", "runner gone"]).status == 0)
            #expect(try await project.client.variable(named: lock.name) == nil)
            #expect(try await project.crank(["deploy", "--env", "staging"], ["GREET_NAME": "blocked"]).status == 0)
            #expect(try await project.client.variable(named: lock.name) == nil, "the deploy released its lock")
        }
    }

    @Test("an unreachable server and a missing work pool are clear errors that change nothing")
    func errors() async throws {
        try await PrefectServer.exclusively {
            let closed = try PrefectServer.freePort()
            let offline = try await PrefectProject(api: URL(string: "http://127.0.0.1:\(closed)/api")!)
            let unreachable = try await offline.crank(["deploy", "--env", "staging"])
            #expect(unreachable.status == 1)
            #expect(unreachable.stderr.contains("127.0.0.1:\(closed)") && unreachable.stderr.contains("hint:"), "\(unreachable.stderr)")
            #expect(try await offline.crank(["plan", "--env", "staging"]).status == 1)

            let project = try await PrefectProject()
            let missing = try await project.crank(["deploy", "--env", "staging"])
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("prefect work-pool create \(project.pool) --type process"), "\(missing.stderr)")
            #expect(missing.stderr.contains("--create-pools"))
            #expect(try await project.registered().isEmpty)
            #expect(try await project.history().isEmpty)
            let doctor = try await project.crank(["doctor", "--env", "staging"])
            #expect(doctor.stderr.contains("work-pool \(project.pool) is missing"), "\(doctor.stderr)")
            #expect(doctor.stderr.contains("run: prefect work-pool create \(project.pool) --type process"))
        }
    }

    @Test("smoke: deploy gates on a flow run a real worker completes (secret resolved); a failing run restores the previous release")
    func smoke() async throws {
        try await PrefectServer.exclusively {
            let project = try await PrefectProject(smoke: true)
            #expect(try await project.client.workPool(named: project.pool) == nil)
            try await project.withWorker { worker in
                let deploy = try await project.crank(["deploy", "--env", "staging", "--create-pools", "--json"])
                #expect(deploy.status == 0, "\(deploy.stdout)\n\(deploy.stderr)\n\(worker.log)")
                #expect(deploy.stdout.contains("smoke passed"), "\(deploy.stdout)")

                let failing = try await project.crank(["deploy", "--env", "staging", "--json"], ["SMOKE_NAME": "fail", "GREET_NAME": "changed"])
                #expect(failing.status == 1)
                let outcome = try failing.jsonObject()
                #expect(outcome["status"] as? String == "failed")
                let failure = try #require(outcome["failure"] as? [String: Any])
                #expect(failure["check"] as? String == "smoke")
                #expect((failure["observed"] as? String)?.contains("FAILED") == true, "\(failure)")
                #expect(try await project.deployment("hello")?["parameters"] == .object(["name": .string("crank")]), "restored to r1")
                #expect(try await project.deployment("hello")?["version"] == .string("r1"))
                #expect(try await project.history().first?["status"] as? String == "failed")

                let smoke = try await project.crank(["smoke", "--env", "staging", "hello", "daily", "--timeout", "150s", "--json"])
                #expect(smoke.status == 0, "\(smoke.stdout)\n\(smoke.stderr)\n\(worker.log)")
                let runs = try #require(try JSONSerialization.jsonObject(with: Data(smoke.stdout.utf8)) as? [[String: Any]])
                #expect(runs.map { $0["state"] as? String } == ["COMPLETED", "COMPLETED"])
                // With the CI kit: --junit and --format github (annotation, job summary) on the same run.
                let failed = try await project.crank(["smoke", "--env", "staging", "hello", "--parameters", #"{"name": "fail"}"#, "--timeout", "150s",
                                                      "--junit", project.tree.path("smoke.xml"), "--format", "github"],
                                                     ["GITHUB_STEP_SUMMARY": project.tree.path("summary.md")])
                #expect(failed.status == 1)
                #expect(failed.stdout.contains("FAILED") && failed.stdout.contains("asked to fail"), "\(failed.stdout)")
                #expect(failed.stdout.contains("\n::error title=crank smoke --env staging::hello: flow run "), "\(failed.stdout)")
                let junit = try String(contentsOfFile: project.tree.path("smoke.xml"), encoding: .utf8)
                #expect(junit.contains("<testsuite name=\"crank smoke staging\" tests=\"1\" failures=\"1\""), "\(junit)")
                #expect(junit.contains("<testcase classname=\"crank.smoke.staging\" name=\"hello\"") && junit.contains("FAILED"), "\(junit)")
                let summary = try String(contentsOfFile: project.tree.path("summary.md"), encoding: .utf8)
                #expect(summary.hasPrefix("### crank smoke --env staging\n\nFAILED — 1 of 1 flow run(s) did not complete"), "\(summary)")
                for text in [failed.stdout, failed.stderr, junit, summary] { #expect(!text.contains(project.token)) }
            }
        }
    }

    @Test("make deploy-staging and make smoke work on the embedded example")
    func makeTargets() async throws {
        try await PrefectServer.exclusively {
            let api = try await PrefectServer.shared.apiURL()
            let copy = FileManager.default.temporaryDirectory.path + "/crank-make-" + UUID().uuidString
            try FileManager.default.copyItem(atPath: Checkout.root + "/examples/rpa-platform", toPath: copy)
            defer { try? FileManager.default.removeItem(atPath: copy) }
            try? FileManager.default.removeItem(atPath: copy + "/.crank")
            let make = { @Sendable (arguments: [String]) async throws -> ProcessOutput in
                try await ProcessRunner.offPool {
                    try ProcessRunner.run("/usr/bin/make", ["-s", "-C", Checkout.root, "-o", "build", "BIN=\(ProcessRunner.crankPath)", "PROJECT=\(copy)"] + arguments,
                                          environment: ["PREFECT_API_URL": api.absoluteString])
                }
            }
            let deploy = try await make(["deploy-staging", "CREATE_POOLS=1"])
            #expect(deploy.status == 0, "\(deploy.stdout)\n\(deploy.stderr)")
            let client = PrefectClient(apiURL: api)
            let names = try await client.deployments(taggedWithAll: ["crank-project:rpa-platform", "crank-env:staging"]).compactMap { item -> String? in
                if case .object(let object) = item, case .string(let name)? = object["name"] { return name }
                return nil
            }
            #expect(names.sorted() == ["rpa1-intake", "rpa2-report", "rpa3-convert"])
            let (smoke, log) = try await withPrefectWorker(api: api, pool: "rpa-staging", home: copy + "/.prefect-worker-home") { worker in
                (try await make(["smoke", "NAMES=rpa1-intake", "TIMEOUT=150s"]), worker.log)
            }
            #expect(smoke.status == 0, "\(smoke.stdout)\n\(smoke.stderr)\n\(log)")
            #expect(smoke.stdout.contains("COMPLETED"))
        }
    }

    @Test("imported Prefect fields: two flows' `prod` deployments, a fixed version, job variables and pull steps are what the server keeps")
    func prefectFields() async throws {
        try await PrefectServer.exclusively {
            let project = try await PrefectProject()
            let clone = "prefect.deployments.steps.git_clone"
            try project.tree.write("crank.yaml", """
                project: \(project.project)
                flows: {paths: [flows]}
                deployments:
                  greet-prod:
                    flow: \(project.project)-greet
                    name: prod
                    version: "2.1"
                    job_variables: {env: {LOG_LEVEL: debug}, stream_output: false}
                    pull:
                    - \(clone): {id: clone, repository: "https://example.com/r.git", branch: main}
                    - prefect.deployments.steps.set_working_directory: {directory: "{{ clone.directory }}"}
                  report-prod:
                    flow: \(project.project)-report
                    name: prod
                    parameters: {day: "2026-01-01"}
                    working_directory: /opt/reports
                environments:
                  staging:
                    target: prefect
                    prefect: {api_url: "\(project.api.absoluteString)", work_pool: \(project.pool)}
                """)
            let deploy = try await project.crank(["deploy", "--env", "staging", "--create-pools"])
            #expect(deploy.status == 0, "\(deploy.stderr)")
            guard case .object(let greet)? = try await project.client.deployment(flow: "\(project.project)-greet", name: "prod"),
                  case .object(let report)? = try await project.client.deployment(flow: "\(project.project)-report", name: "prod") else {
                throw TestFailure("the prod deployments are not registered under their Prefect names")
            }
            #expect(greet["version"] == .string("2.1"))
            #expect(greet["job_variables"] == .object(["env": .object(["LOG_LEVEL": .string("debug")]), "stream_output": .bool(false)]))
            guard case .array(let steps)? = greet["pull_steps"], case .object(let first)? = steps.first else { throw TestFailure("no pull steps") }
            #expect(steps.count == 2 && first[clone] != nil)
            #expect(report["version"] == .string("r1"))
            #expect(report["pull_steps"] == .array([.object(["prefect.deployments.steps.set_working_directory": .object(["directory": .string("/opt/reports")])])]))
            // The server's `prod`s are matched to their config keys: nothing to change, nothing orphaned.
            let plan = try await project.crank(["plan", "--env", "staging", "--detailed-exitcode"])
            #expect(plan.status == 0, "\(plan.stdout)\(plan.stderr)")
            let status = try await project.crank(["status", "--env", "staging", "--json"])
            #expect(status.stdout.contains("greet-prod") && status.stdout.contains("report-prod") && !status.stdout.contains("#"), "\(status.stdout)")
            let again = try await project.crank(["deploy", "--env", "staging", "--json"])
            #expect(try again.jsonObject()["status"] as? String == "unchanged", "\(again.stdout)")
        }
    }

    @Test("a container flow registers on a docker work pool with its image in job_variables")
    func containerFlow() async throws {
        try await PrefectServer.exclusively {
            let project = try await PrefectProject()
            try project.tree.write("crank.yaml", """
                project: \(project.project)
                flows: {paths: [flows]}
                deployments:
                  boxed:
                    kind: container
                    flow: \(project.project)-report
                    parameters: {day: "2026-02-02"}
                environments:
                  staging:
                    target: prefect
                    prefect: {api_url: "\(project.api.absoluteString)", work_pool: \(project.pool)}
                    container: {registry: registry.example.com/team}
                """)
            let deploy = try await project.crank(["deploy", "--env", "staging", "--create-pools"])
            #expect(deploy.status == 0, "\(deploy.stderr)")
            guard case .object(let pool)? = try await project.client.workPool(named: project.pool) else { throw TestFailure("no pool") }
            #expect(pool["type"] == .string("docker"))
            let boxed = try #require(try await project.client.deployment(flow: "\(project.project)-report", name: "boxed"))
            guard case .object(let object) = boxed, case .object(let variables)? = object["job_variables"], case .string(let image)? = variables["image"] else {
                throw TestFailure("no image in job_variables: \(boxed)")
            }
            #expect(image.hasPrefix("registry.example.com/team/\(project.project)-boxed:"), "\(image)")
            #expect(object["pull_steps"] == .array([.object(["prefect.deployments.steps.set_working_directory": .object(["directory": .string("/app")])])]))
        }
    }
}
