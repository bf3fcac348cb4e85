import CrankTestSupport
import DeployCore
import Foundation
import Testing

/// The same project registered twice against the real Prefect server: once by `crank deploy`,
/// once by the real `prefect deploy --all` on the `prefect.yaml` that `crank build` wrote.
struct ParityProject {
    static let etl = """
        from typing import Optional

        from prefect import flow


        @flow(name="parity-etl")
        def etl(limit: int, source: str = "s3://bucket/in", regions: list[str] = ["eu", "us"], cutoff: Optional[int] = None, dry_run: bool = False, ratio: float = 0.5):
            \"\"\"Extract, transform and load the daily batch.\"\"\"
            return limit
        """

    static let report = """
        from prefect import flow


        @flow
        def nightly_report(recipients: list[str] = ["ops@example.com"], title: str = "Nightly", retries: int | None = 3, limits: dict[str, int] = {"rows": 100}):
            return title
        """

    /// crank deployment name → Prefect flow name (a deployment's identity is flow + name).
    static let flows = ["etl-daily": "parity-etl", "report-hourly": "nightly-report"]

    let tree: TemporaryTree
    let pool = "parity-\(UUID().uuidString.prefix(8).lowercased())"
    let client: PrefectClient

    init(api: URL) throws {
        client = PrefectClient(apiURL: api)
        tree = try TemporaryTree([
            "flows/etl.py": Self.etl,
            "flows/report.py": Self.report,
            "crank.yaml": """
                project: parity
                deployments:
                  etl-daily:
                    flow: parity-etl
                    parameters: {limit: 10, regions: [eu]}
                    schedule: {cron: "0 6 * * 1-5", timezone: Europe/Berlin}
                  report-hourly:
                    flow: nightly-report
                    parameters: {recipients: [ops@example.com]}
                    schedule: {interval: 3600}
                    tags: [reports, nightly]
                    description: Hourly report for ops
                    work_queue: reports
                    env: {REPORT_FORMAT: pdf}
                environments:
                  parity:
                    target: prefect
                    prefect: {api_url: "\(api.absoluteString)", work_pool: \(pool)}
                    env: {LOG_LEVEL: info}
                """,
        ])
    }

    func crank(_ arguments: [String]) async throws -> ProcessOutput {
        let root = tree.root
        return try await Self.offPool { try ProcessRunner.crank(arguments + ["--env", "parity", "--json", "-C", root]) }
    }

    /// The real CLI, from the project root, with its own PREFECT_HOME.
    func prefectDeploy(prefectFile: String) async throws -> ProcessOutput {
        let prefect = (try ProcessRunner.prefectPython() as NSString).deletingLastPathComponent + "/prefect"
        let (root, api) = (tree.root, client.apiURL.absoluteString)
        return try await Self.offPool {
            let home = try TemporaryTree()
            return try ProcessRunner.run(prefect, ["deploy", "--all", "--no-prompt", "--prefect-file", prefectFile], in: root,
                                         environment: ["PREFECT_API_URL": api, "PREFECT_HOME": home.root])
        }
    }

    /// Waits for a blocking process run on its own thread: a Prefect CLI call takes seconds, and
    /// holding one of the few cooperative threads that long delays other suites' timed steps.
    static func offPool(_ body: @escaping @Sendable () throws -> ProcessOutput) async throws -> ProcessOutput {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    /// Both deployments as the server keeps them now, by crank deployment name.
    func readBack() async throws -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for (name, flow) in Self.flows {
            result[name] = try #require(try await client.deployment(flow: flow, name: name), "\(flow)/\(name) is not registered")
        }
        return result
    }

    /// A server deployment without what differs between any two registrations: ids, timestamps,
    /// the version (asserted separately) and an interval's anchor (the time of registration).
    static func comparable(_ server: JSONValue) -> [String: JSONValue] {
        guard case .object(var object) = server else { return [:] }
        for key in ["id", "created", "updated", "version"] { object[key] = nil }
        if case .array(let schedules)? = object["schedules"] {
            object["schedules"] = .array(schedules.map { entry in
                guard case .object(var item) = entry else { return entry }
                for key in ["id", "created", "updated", "deployment_id"] { item[key] = nil }
                if case .object(var schedule)? = item["schedule"] {
                    schedule["anchor_date"] = nil
                    item["schedule"] = .object(schedule)
                }
                return .object(item)
            })
        }
        return object
    }
}

@Suite("prefect.yaml parity with crank deploy (real Prefect server and CLI)")
struct PrefectDeployParityTests {
    @Test("the prefect.yaml from crank build, deployed by the real `prefect deploy --all`, registers the same deployments as crank deploy")
    func parity() async throws {
        try await PrefectServer.exclusively {
            let project = try ParityProject(api: try await PrefectServer.shared.apiURL())
            let build = try await project.crank(["build"])
            #expect(build.status == 0, "\(build.stderr)")
            let tag = try #require(try build.jsonObject()["tag"] as? String)
            #expect(tag.hasPrefix("src-"))

            // 1. crank's own registration (it creates the work pool), read back, then removed.
            let deploy = try await project.crank(["deploy", "--create-pools"])
            #expect(deploy.status == 0, "\(deploy.stderr)")
            #expect(try deploy.jsonObject()["release"] as? String == "r1")
            let byCrank = try await project.readBack()
            for (name, flow) in ParityProject.flows {
                guard case .object(let object)? = byCrank[name], case .string(let id)? = object["id"] else { throw TestFailure("\(name) has no id") }
                try await project.client.deleteDeployment(id: id)
                #expect(try await project.client.deployment(flow: flow, name: name) == nil, "\(flow)/\(name) survived its deletion")
            }

            // 2. The real Prefect CLI on the generated prefect.yaml.
            let cli = try await project.prefectDeploy(prefectFile: ".crank/build/parity/prefect.yaml")
            #expect(cli.status == 0, "prefect deploy failed:\n\(cli.stdout)\n\(cli.stderr)")
            let byPrefect = try await project.readBack()

            // 3. The version is the only field that legitimately differs.
            for name in ParityProject.flows.keys.sorted() {
                guard case .object(let prefect)? = byPrefect[name], case .object(let crank)? = byCrank[name] else { throw TestFailure("\(name) unreadable") }
                #expect(prefect["version"] == .string(tag), "\(name): prefect deploy carries the build tag")
                #expect(crank["version"] == .string("r1"), "\(name): crank deploy carries the release id")
            }

            // 4. crank's projection (what it compares for drift) is equal field by field, and right.
            for name in ParityProject.flows.keys.sorted() {
                let prefect = PrefectDeploymentBody.observed(byPrefect[name]!)
                let crank = PrefectDeploymentBody.observed(byCrank[name]!)
                #expect(Set(prefect.keys) == ["entrypoint", "parameters", "parameter_openapi_schema", "enforce_parameter_schema", "tags", "description",
                                              "work_pool_name", "work_queue_name", "job_variables", "schedules", "pull_steps"])
                for field in prefect.keys.sorted() {
                    #expect(prefect[field] == crank[field], "\(name).\(field): prefect deploy \(prefect[field] ?? .null), crank deploy \(crank[field] ?? .null)")
                }
            }
            try expectKnownValues(PrefectDeploymentBody.observed(byPrefect["etl-daily"]!), PrefectDeploymentBody.observed(byPrefect["report-hourly"]!), project)

            // 5. Every other field the server keeps is equal too (paused, path, concurrency, labels, …).
            for name in ParityProject.flows.keys.sorted() {
                let prefect = ParityProject.comparable(byPrefect[name]!)
                let crank = ParityProject.comparable(byCrank[name]!)
                for field in Set(prefect.keys).union(crank.keys).sorted() {
                    #expect(prefect[field] == crank[field], "\(name).\(field): prefect deploy \(prefect[field] ?? .null), crank deploy \(crank[field] ?? .null)")
                }
            }

            // 6. crank's drift check agrees: Prefect's registration is what crank wants.
            let plan = try await project.crank(["plan"])
            #expect(plan.status == 0, "\(plan.stderr)")
            let actions = try #require(try plan.jsonObject()["deployments"] as? [[String: Any]])
            #expect(actions.map { $0["action"] as? String } == ["unchanged", "unchanged"], "\(plan.stdout)")
        }
    }

    /// What Prefect registered, checked against the project itself (so equal-but-wrong fails).
    func expectKnownValues(_ etl: [String: JSONValue], _ report: [String: JSONValue], _ project: ParityProject) throws {
        let pull: JSONValue = .array([.object(["prefect.deployments.steps.set_working_directory": .object(["directory": .string(project.tree.root)])])])
        #expect(etl["entrypoint"] == .string("flows/etl.py:etl"))
        #expect(etl["description"] == .string("Extract, transform and load the daily batch."))  // the docstring
        #expect(etl["parameters"] == .object(["limit": .int(10), "regions": .array([.string("eu")])]))
        #expect(etl["tags"] == .array([.string("crank"), .string("crank-env:parity"), .string("crank-project:parity")]))
        #expect(etl["work_pool_name"] == .string(project.pool))
        #expect(etl["work_queue_name"] == .string("default"))
        #expect(etl["job_variables"] == .object(["env": .object(["LOG_LEVEL": .string("info")])]))
        #expect(etl["schedules"] == .array([.object(["cron": .string("0 6 * * 1-5"), "timezone": .string("Europe/Berlin"), "active": .bool(true)])]))
        #expect(etl["pull_steps"] == pull)
        #expect(etl["enforce_parameter_schema"] == .bool(true))
        guard case .object(let etlSchema)? = etl["parameter_openapi_schema"], case .object(let etlProperties)? = etlSchema["properties"] else {
            throw TestFailure("etl-daily has no parameter schema: \(etl)")
        }
        #expect(Set(etlProperties.keys) == ["limit", "source", "regions", "cutoff", "dry_run", "ratio"])
        #expect(etlSchema["required"] == .array([.string("limit")]))
        #expect(etlProperties["regions"] == .object(["title": .string("regions"), "position": .int(2), "type": .string("array"),
                                                     "items": .object(["type": .string("string")]), "default": .array([.string("eu"), .string("us")])]))

        #expect(report["entrypoint"] == .string("flows/report.py:nightly_report"))
        #expect(report["description"] == .string("Hourly report for ops"))
        #expect(report["parameters"] == .object(["recipients": .array([.string("ops@example.com")])]))
        #expect(report["tags"] == .array(["reports", "nightly", "crank", "crank-env:parity", "crank-project:parity"].map(JSONValue.string)))
        #expect(report["work_queue_name"] == .string("reports"))
        #expect(report["job_variables"] == .object(["env": .object(["LOG_LEVEL": .string("info"), "REPORT_FORMAT": .string("pdf")])]))
        #expect(report["schedules"] == .array([.object(["interval": .int(3600), "timezone": .string("UTC"), "active": .bool(true)])]))
        #expect(report["pull_steps"] == pull)
        guard case .object(let reportSchema)? = report["parameter_openapi_schema"], case .object(let reportProperties)? = reportSchema["properties"] else {
            throw TestFailure("report-hourly has no parameter schema: \(report)")
        }
        #expect(reportSchema["required"] == nil)  // every parameter has a default
        #expect(reportSchema["definitions"] == nil)
        #expect(reportProperties["limits"] == .object(["title": .string("limits"), "position": .int(3), "type": .string("object"),
                                                       "additionalProperties": .object(["type": .string("integer")]),
                                                       "default": .object(["rows": .int(100)])]))
    }
}
