import CrankTestSupport
import Foundation
import Testing
@testable import DeployCore

/// The project's own code is not a missing module: src layout, local packages named by path.
@Suite("crank doctor: the project's own modules")
struct LocalModulesTests {
    static let yaml = """
        project: demo
        python: {interpreter: python3}
        environments: {dev: {target: local}}
        deployments:
          job: {flow: job}
        """

    static let files = [
        "flows/demo.py": """
            from prefect import flow
            import mypkg, shared_utils, localdist, toolkit, numpy_missing_xyz
            @flow
            def job(): pass
            """,
        "src/mypkg/__init__.py": "",
        "requirements.txt": "prefect==3.8.8\n-e ./libs/shared-utils\nlocaldist @ file:./vendor/localdist\n-r requirements-extra.txt\n",
        "requirements-extra.txt": "./tools/toolkit-pkg  # our CLI helpers\n",
        "libs/shared-utils/pyproject.toml": "[project]\nname = \"shared-utils\"\n",
        "libs/shared-utils/src/shared_utils/__init__.py": "",
        "vendor/localdist/localdist/__init__.py": "",
        "tools/toolkit-pkg/toolkit/__init__.py": "",
    ]

    func needs(files: [String: String] = Self.files) throws -> DependencyNeeds {
        let fixture = try ConfigFixture(Self.yaml, files: files)
        let effective = try #require(fixture.load().0)
        return DependencyNeeds(effective: effective, flows: FlowDiscovery.discover(root: fixture.tree.root).flows)
    }

    @Test("src/ packages and local packages from requirements files (-e, file:, plain paths, -r) are not needed from outside")
    func projectModulesSkipped() throws {
        #expect(try needs().pythonModules.keys.sorted() == ["numpy_missing_xyz", "prefect"])
    }

    @Test("without the src layout and the requirements lines the same imports are needed (the check is not blind)")
    func withoutThemTheyAreNeeded() throws {
        let files = Self.files.filter { !$0.key.hasPrefix("src/") && !$0.key.hasPrefix("requirements") }
        #expect(try needs(files: files).pythonModules.keys.sorted() == ["localdist", "mypkg", "numpy_missing_xyz", "prefect", "shared_utils", "toolkit"])
    }

    @Test("requirements lines that name local paths")
    func entries() {
        #expect(LocalPackages.entry("-e ./libs/a") == .directory("./libs/a"))
        #expect(LocalPackages.entry("--editable=../b[extra]") == .directory("../b"))
        #expect(LocalPackages.entry("c @ file:///opt/c ; python_version>'3'") == .directory("/opt/c"))
        #expect(LocalPackages.entry("-r more.txt") == .include("more.txt"))
        #expect(LocalPackages.entry("requests==2.0") == nil)
        #expect(LocalPackages.entry("# ./commented") == nil)
        #expect(LocalPackages.entry("git+https://example.com/x.git") == nil)
    }

    @Test("doctor with a real interpreter reports only the module that really is missing")
    func doctorRun() async throws {
        let fixture = try ConfigFixture(Self.yaml, files: Self.files)
        let effective = try #require(fixture.load().0)
        let doctor = DependencyDoctor(effective: effective, flows: FlowDiscovery.discover(root: fixture.tree.root).flows, hints: InstallHints(),
                                      runner: ProcessCommandRunner(), http: URLSessionProbe(), path: ProcessInfo.processInfo.environment["PATH"])
        let report = await doctor.run()
        let missing = report.checks.filter { $0.kind == .pythonModule && $0.status == .missing }.map(\.name)
        #expect(missing.contains("numpy_missing_xyz"))
        #expect(Set(missing).isDisjoint(with: ["mypkg", "shared_utils", "localdist", "toolkit"]), "\(missing)")
    }
}
