import CrankTestSupport
@testable import DeployCore

let demoFlows = """
    from prefect import flow


    @flow(name="ingest")
    def ingest(source: str, limit: int = 10, ratio: float = 0.5, tags: list[str] = [], dry_run: bool = False):
        pass


    @flow
    def open_ended(**kwargs):
        pass

    """

/// A project in a temporary folder: crank.yaml, optional overlays and a flows/ module.
struct ConfigFixture {
    let tree: TemporaryTree

    init(_ crankYAML: String, overlays: [String: String] = [:], files: [String: String] = [:]) throws {
        var all = files
        all["crank.yaml"] = crankYAML
        all["flows/demo.py"] = all["flows/demo.py"] ?? demoFlows
        for (env, text) in overlays { all["deployment/environments/\(env).yaml"] = text }
        tree = try TemporaryTree(all)
    }

    func issues(env: String? = "dev", environment: [String: String] = [:]) -> [ConfigIssue] {
        ProjectValidation.run(root: tree.root, environment: env, processEnvironment: environment).issues
    }

    func load(env: String? = "dev", environment: [String: String] = [:]) -> (EffectiveConfig?, [ConfigIssue]) {
        ConfigLoader(root: tree.root, processEnvironment: environment).load(environment: env)
    }
}

/// crank.yaml with one environment and the given deployments block (indented by 2).
func project(_ deployments: String, extra: String = "") -> String {
    """
    project: demo
    environments:
      dev: {target: local,
        prefect: {api_url: "http://127.0.0.1:4200/api"}}
    \(extra)
    deployments:
    \(deployments)
    """
}
