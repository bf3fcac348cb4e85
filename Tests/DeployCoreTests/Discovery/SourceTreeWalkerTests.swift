import CrankTestSupport
import Foundation
import Testing
@testable import DeployCore

let simpleFlow = "from prefect import flow\n\n@flow\ndef f():\n    pass\n"

@Suite("Walking the source tree")
struct SourceTreeWalkerTests {
    @Test("hidden and tool directories are skipped")
    func skippedDirectories() throws {
        var files = ["app/flows.py": simpleFlow]
        for directory in [".git", ".venv", "venv", "lib/site-packages", "__pycache__", "node_modules", "build", "dist", ".hidden"] {
            files[directory + "/skipped.py"] = simpleFlow
        }
        let tree = try TemporaryTree(files)
        let report = FlowDiscovery.discover(root: tree.root)
        #expect(report.flows.map(\.file) == ["app/flows.py"])
    }

    @Test("--exclude matches names anywhere, or root-relative paths when it has a '/'")
    func excludes() throws {
        let tree = try TemporaryTree([
            "a/keep.py": simpleFlow, "a/generated_x.py": simpleFlow,
            "tests/t.py": simpleFlow, "b/tests/t.py": simpleFlow, "c/skip/me.py": simpleFlow,
        ])
        let report = FlowDiscovery.discover(root: tree.root, excludes: ["generated_*", "c/skip/", "./tests"])
        #expect(report.flows.map(\.file) == ["a/keep.py", "b/tests/t.py"])
        let byName = FlowDiscovery.discover(root: tree.root, excludes: ["tests"])
        #expect(!byName.flows.map(\.file).contains("b/tests/t.py"))
    }

    @Test("a symlink loop is reported once and does not hang the walk")
    func symlinkLoop() throws {
        let tree = try TemporaryTree(["pkg/flows.py": simpleFlow])
        try tree.symlink("pkg/loop", to: tree.path("pkg"))
        try tree.symlink("alias", to: tree.path("pkg"))
        let report = FlowDiscovery.discover(root: tree.root)
        #expect(report.flows.map(\.file) == ["alias/flows.py"])
        #expect(report.diagnostics.map(\.code) == [.symlinkLoop])
        #expect(!report.hasErrors)
    }

    @Test("a FIFO named .py is skipped with a warning instead of blocking")
    func fifo() throws {
        let tree = try TemporaryTree(["ok.py": simpleFlow])
        #expect(mkfifo(tree.path("pipe.py"), 0o644) == 0)
        let report = FlowDiscovery.discover(root: tree.root)
        #expect(report.flows.count == 1)
        #expect(report.diagnostics.map(\.code) == [.notARegularFile])
    }

    @Test("a broken symlink is a warning")
    func brokenSymlink() throws {
        let tree = try TemporaryTree(["ok.py": simpleFlow])
        try tree.symlink("gone.py", to: tree.path("missing.py"))
        #expect(FlowDiscovery.discover(root: tree.root).diagnostics.map(\.code) == [.brokenSymlink])
    }

    @Test("a PATH that does not exist is an error naming it")
    func missingPath() throws {
        let tree = try TemporaryTree(["ok.py": simpleFlow])
        let report = FlowDiscovery.discover(root: tree.root, paths: ["nope"], currentDirectory: tree.root)
        #expect(report.diagnostics.map(\.code) == [.pathNotFound])
        #expect(report.diagnostics.first?.file == "nope")
        #expect(report.diagnostics.first?.message == "path does not exist")
        #expect(report.hasErrors)
    }

    @Test("PATHs resolve against the current directory; files are named relative to the root")
    func relativePaths() throws {
        let tree = try TemporaryTree(["proj/a/x.py": simpleFlow, "proj/b/y.py": simpleFlow])
        let report = FlowDiscovery.discover(root: tree.path("proj"), paths: ["../b", "x.py"], currentDirectory: tree.path("proj/a"))
        #expect(report.flows.map(\.entrypoint) == ["a/x.py:f", "b/y.py:f"])
        #expect(report.root == tree.path("proj"))
    }

    @Test("flows are sorted by file then line across many files")
    func sorting() throws {
        var files: [String: String] = [:]
        for index in 0..<60 { files["m\(index % 7)/f\(index).py"] = simpleFlow + "\n@flow\ndef g():\n    pass\n" }
        let tree = try TemporaryTree(files)
        let report = FlowDiscovery.discover(root: tree.root)
        #expect(report.flows.count == 120)
        let keys = report.flows.map { "\($0.file)#\(String(format: "%04d", $0.line))" }
        #expect(keys == keys.sorted())
    }
}
