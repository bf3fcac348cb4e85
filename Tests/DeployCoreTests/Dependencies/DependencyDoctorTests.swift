import CrankTestSupport
import Foundation
import Testing
@testable import DeployCore

/// Runs the doctor against the real `python3`, a real temporary PATH directory and a
/// real (closed) loopback port.
@Suite("crank doctor")
struct DependencyDoctorTests {
    static let python = ExecutableLocator.find("python3", path: ProcessInfo.processInfo.environment["PATH"])

    func doctor(_ yaml: String, env: String = "dev", files: [String: String] = [:], path: (TemporaryTree) throws -> String) async throws -> DoctorReport {
        let fixture = try ConfigFixture(yaml, files: files)
        let (effective, issues) = fixture.load(env: env)
        #expect(issues == [])
        let flows = FlowDiscovery.discover(root: fixture.tree.root).flows
        let doctor = DependencyDoctor(effective: try #require(effective), flows: flows, hints: InstallHints(),
                                      runner: ProcessCommandRunner(), http: URLSessionProbe(), path: try path(fixture.tree))
        return await doctor.run()
    }

    /// A PATH holding only a fake `pandoc` that prints a version, plus python3's directory.
    func toolPath(_ tree: TemporaryTree) throws -> String {
        try tree.write("bin/pandoc", "#!/bin/sh\necho 'pandoc 9.9-test'\n")
        chmod(tree.path("bin/pandoc"), 0o755)
        let pythonDirectory = try #require(Self.python).split(separator: "/").dropLast().joined(separator: "/")
        return tree.path("bin") + ":/" + pythonDirectory
    }

    @Test("modules are checked in one interpreter call; stdlib and project-local imports are skipped")
    func pythonModules() async throws {
        let yaml = """
            project: demo
            python: {interpreter: python3}
            environments: {dev: {target: local}}
            deployments:
              job: {flow: job, requires: {python: [json, surely_not_installed_module]}}
            """
        let flowFile = "from prefect import flow\nimport os, helpers, numpy_missing_xyz\n@flow\ndef job(): pass\n"
        let report = try await doctor(yaml, files: ["flows/demo.py": flowFile, "flows/helpers.py": "x = 1\n"], path: toolPath)
        let modules = report.checks.filter { $0.kind == .pythonModule }
        #expect(modules.map(\.name) == ["numpy_missing_xyz", "prefect", "surely_not_installed_module"])
        #expect(modules.first { $0.name == "surely_not_installed_module" }?.status == .missing)
        #expect(modules.first { $0.name == "surely_not_installed_module" }?.hint?.pip == "pip install surely_not_installed_module")
        #expect(modules.first { $0.name == "numpy_missing_xyz" }?.requiredBy == ["job"])
        #expect(report.checks.first?.kind == .interpreter)
        #expect(report.checks.first?.status == .ok)
        #expect(report.hasMissing)
    }

    @Test("executables are found on PATH with their version; missing ones carry install hints")
    func executables() async throws {
        let yaml = """
            project: demo
            environments: {dev: {target: local}}
            deployments:
              worker: {command: [python3, w.py], requires: {executables: [pandoc, tesseract-not-here]}}
            """
        let report = try await doctor(yaml, path: toolPath)
        let pandoc = report.checks.first { $0.name == "pandoc" }
        #expect(pandoc?.status == .ok)
        #expect(pandoc?.detail?.hasSuffix("pandoc 9.9-test") == true)
        let missing = report.checks.first { $0.name == "tesseract-not-here" }
        #expect(missing?.status == .missing)
        #expect(missing?.hint?.apt == "apt-get install -y tesseract-not-here")
    }

    @Test("an interpreter that does not exist is reported with a hint")
    func missingInterpreter() async throws {
        let yaml = "project: demo\npython: {interpreter: .venv/bin/python}\nenvironments: {dev: {target: local}}\n"
        let report = try await doctor(yaml, path: toolPath)
        #expect(report.checks.map(\.kind) == [.interpreter])
        #expect(report.checks.first?.status == .missing)
        #expect(report.checks.first?.hint?.pip?.contains("python3 -m venv") == true)
    }

    @Test("a GPU requirement without nvidia-smi is missing")
    func gpu() async throws {
        let yaml = "project: demo\nenvironments: {dev: {target: local}}\ndeployments:\n  ocr: {command: [x], requires: {gpu: true}}\n"
        let report = try await doctor(yaml, path: toolPath)
        let gpu = report.checks.first { $0.kind == .gpu }
        #expect(gpu?.status == .missing)
        #expect(gpu?.requiredBy == ["ocr"])
    }

    @Test("the prefect target needs a reachable API; the container target an engine")
    func targets() async throws {
        let port = 1 + Int.random(in: 40_000..<50_000)
        let prefect = "project: demo\nenvironments: {dev: {target: prefect, prefect: {api_url: \"http://127.0.0.1:\(port)/api\"}}}\n"
        let api = try await doctor(prefect, path: toolPath).checks.first { $0.kind == .target }
        #expect(api?.name == "prefect-api")
        #expect(api?.status == .missing)
        #expect(api?.detail == "http://127.0.0.1:\(port)/api did not answer")
        let container = "project: demo\nenvironments: {dev: {target: container}}\n"
        let engine = try await doctor(container, path: toolPath).checks.first { $0.kind == .target }
        #expect(engine?.name == "podman or docker")
        #expect(engine?.status == .missing)
    }

    @Test("with torch required on a GPU deployment, torch.cuda must see a device (stand-ins: no GPU or torch here)")
    func torchCUDA() async throws {
        // No NVIDIA GPU or torch can run on this machine: a stand-in nvidia-smi lists one device
        // and a project-local torch.py reports no CUDA, run by the real interpreter.
        let yaml = "project: demo\nenvironments: {dev: {target: local}}\ndeployments:\n  ocr: {command: [x], requires: {gpu: true, python: [torch]}}\n"
        let torch = "class cuda:\n    @staticmethod\n    def is_available():\n        return False\n"
        let report = try await doctor(yaml, files: ["torch.py": torch]) { tree in
            let path = try toolPath(tree)
            try tree.write("bin/nvidia-smi", "#!/bin/sh\necho 'GPU 0: Stand-in GPU (UUID: GPU-0000)'\n")
            chmod(tree.path("bin/nvidia-smi"), 0o755)
            return path
        }
        let gpu = report.checks.filter { $0.kind == .gpu }
        #expect(gpu.map(\.name) == ["nvidia", "torch.cuda"])
        #expect(gpu.map(\.status) == [.ok, .missing])
        #expect(gpu.first?.detail == "GPU 0: Stand-in GPU (UUID: GPU-0000)")
    }
}
