import CrankTestSupport
import Foundation
@testable import DeployCore

let builderProject = """
    project: demo
    python: {requirements: requirements.txt}
    deployments:
      api:
        kind: container
        command: [python3, api.py]
        port: 8080
        env: {LOG_LEVEL: info, TOKEN_COPY: "${API_TOKEN}"}
        secrets: [API_TOKEN]
        health: {path: /health, timeout: 5}
      worker:
        command: [python3, worker.py]
        env: {MODE: fast}
      ingest-daily:
        flow: ingest
        parameters: {source: s3://bucket}
        schedule: {cron: "0 6 * * *", timezone: UTC}
        tags: [etl]
    environments:
      prod:
        target: container
        container: {engine: podman, registry: registry.example.com/team, base_image: "localhost/debian-py:bookworm"}
      staging:
        target: prefect
        prefect: {work_pool: staging-pool}
    """

/// A project folder plus inputs with a fixed revision, so expected artifacts are exact.
struct BuilderFixture {
    let config: ConfigFixture
    let secret = "tok-9f8e7d6c5b4a"

    init(_ yaml: String = builderProject, files: [String: String] = [:]) throws {
        var all = files
        all["requirements.txt"] = all["requirements.txt"] ?? "requests==2.32.3\n"
        config = try ConfigFixture(yaml, files: all)
    }

    var root: String { config.tree.root }

    func inputs(env: String, engine: String = "podman", revision: SourceRevision = SourceRevision(gitSHA: "0123456789abcdef0123", dirty: false, contentHash: nil)) throws -> BuildInputs {
        let (effective, issues) = config.load(env: env, environment: ["API_TOKEN": secret])
        guard let effective, issues.isEmpty else { throw TestFailure("config issues: \(issues)") }
        return BuildInputs(effective: effective, flows: FlowDiscovery.discover(for: effective).flows, revision: revision,
                           secrets: SecretStore(values: ["API_TOKEN": secret]), fingerprint: SecretFingerprint(key: Array(repeating: 7, count: 32)),
                           engine: engine)
    }

    func plan(env: String, engine: String = "podman", selection: BuildPlanner.Selection = .init(python: false, containers: false),
              projectIgnore: String? = nil) throws -> (DeployPlan, BuildManifest) {
        var inputs = try inputs(env: env, engine: engine)
        inputs.projectIgnore = projectIgnore
        let rendered = try DeploymentRenderer(inputs: inputs).render()
        let template = try String(contentsOfFile: Checkout.root + "/" + ContainerfileBuilder.templateFile, encoding: .utf8)
        return try BuildPlanner(inputs: inputs, containerfile: ContainerfileBuilder(template: template, templatePath: "t")).plan(rendered, selection: selection)
    }
}

extension DeployPlan {
    func file(_ suffix: String) -> String? {
        for step in steps {
            if case .writeFile(let path, let contents) = step, path.hasSuffix(suffix) { return contents }
        }
        return nil
    }
}
