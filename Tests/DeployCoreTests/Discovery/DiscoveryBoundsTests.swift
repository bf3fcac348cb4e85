import CrankTestSupport
import Foundation
import Testing
@testable import DeployCore

/// A project folder and, beside it, an "outside" folder that symlinks may point at.
struct ProjectBesideOutside {
    let tree: TemporaryTree
    var root: String { tree.path("project") }

    init(project: [String: String], outside: [String: String]) throws {
        var files: [String: String] = [:]
        for (path, text) in project { files["project/" + path] = text }
        for (path, text) in outside { files["outside/" + path] = text }
        tree = try TemporaryTree(files)
    }

    func link(_ relative: String, to target: String) throws {
        try tree.symlink("project/" + relative, to: target)
    }
}

@Suite("Discovery stays inside its bounds")
struct DiscoveryBoundsTests {
    @Test("a directory symlink leaving the project root is not followed and is named in a warning")
    func escapingDirectorySymlink() throws {
        let fixture = try ProjectBesideOutside(project: ["app/flows.py": simpleFlow], outside: ["other/flows.py": simpleFlow])
        try fixture.link("ext", to: fixture.tree.path("outside"))
        let report = FlowDiscovery.discover(root: fixture.root)
        #expect(report.flows.map(\.file) == ["app/flows.py"])
        #expect(report.diagnostics.map(\.code) == [.symlinkOutsideRoot])
        #expect(report.diagnostics.first?.file == "ext")
        #expect(report.diagnostics.first?.severity == .warning)
        #expect(report.diagnostics.first?.message.contains(fixture.tree.path("outside")) == true)
        #expect(!report.hasErrors)
    }

    @Test("a .py symlink to a file outside the root is not read")
    func escapingFileSymlink() throws {
        let fixture = try ProjectBesideOutside(project: ["app/flows.py": simpleFlow], outside: ["theirs.py": simpleFlow])
        try fixture.link("app/theirs.py", to: fixture.tree.path("outside/theirs.py"))
        let report = FlowDiscovery.discover(root: fixture.root)
        #expect(report.flows.map(\.file) == ["app/flows.py"])
        #expect(report.diagnostics.map(\.code) == [.symlinkOutsideRoot])
        #expect(report.diagnostics.first?.file == "app/theirs.py")
    }

    @Test("symlinks inside the root pointing inside the root are followed, each real directory once")
    func internalSymlinks() throws {
        let fixture = try ProjectBesideOutside(project: ["pkg/flows.py": simpleFlow], outside: [:])
        try fixture.link("relative", to: "pkg")
        try fixture.link("absolute", to: fixture.root + "/pkg")
        let report = FlowDiscovery.discover(root: fixture.root)
        #expect(report.flows.map(\.file) == ["absolute/flows.py"])
        #expect(report.diagnostics.isEmpty)
    }

    @Test("a PATH named outside the root is scanned: naming it is asking for it")
    func explicitOutsidePath() throws {
        let fixture = try ProjectBesideOutside(project: ["app/flows.py": simpleFlow], outside: ["other/flows.py": simpleFlow])
        try fixture.tree.symlink("outside/again", to: fixture.tree.path("outside/other"))
        let report = FlowDiscovery.discover(root: fixture.root, paths: [fixture.tree.path("outside")], currentDirectory: fixture.root)
        #expect(report.flows.map(\.file) == [fixture.tree.path("outside/again/flows.py")])
        #expect(report.diagnostics.isEmpty)
    }

    @Test("with follow-symlinks an escaping symlink is followed, each real directory once, loops cut")
    func followSymlinks() throws {
        let fixture = try ProjectBesideOutside(project: ["app/flows.py": simpleFlow], outside: ["other/flows.py": simpleFlow])
        try fixture.link("ext", to: fixture.tree.path("outside"))
        try fixture.link("ext2", to: fixture.tree.path("outside/other"))
        try fixture.tree.symlink("outside/other/up", to: fixture.tree.path("outside"))
        let report = FlowDiscovery.discover(root: fixture.root, followSymlinks: true)
        #expect(report.flows.map(\.file) == ["app/flows.py", "ext/other/flows.py"])
        #expect(report.diagnostics.map(\.code) == [.duplicateName, .symlinkLoop])
    }

    @Test("following symlinks out of the root stops at a directory budget, with a warning")
    func followBudget() throws {
        var outside: [String: String] = [:]
        for index in 0..<6 { outside["d\(index)/flows.py"] = simpleFlow }
        let fixture = try ProjectBesideOutside(project: ["app/flows.py": simpleFlow], outside: outside)
        try fixture.link("ext", to: fixture.tree.path("outside"))
        var walker = SourceTreeWalker(excludes: [], followSymlinks: true, boundaries: [fixture.root], outsideBudget: 3)
        walker.add(path: fixture.root, displayPath: "")
        #expect(walker.files.map(\.displayPath) == ["app/flows.py", "ext/d0/flows.py", "ext/d1/flows.py"])
        #expect(walker.diagnostics.map(\.code) == [.walkLimit])
        #expect(walker.diagnostics.first?.file == "ext")
    }

    @Test("a directory whose path exceeds the system limit is reported, not skipped silently")
    func overlongPath() throws {
        let tree = try TemporaryTree(["ok.py": simpleFlow])
        let deepest = try DeepDirectory(under: tree.root, length: Int(PATH_MAX) + 200)
        defer { deepest.remove() }
        let report = FlowDiscovery.discover(root: tree.root)
        #expect(report.flows.map(\.file) == ["ok.py"])
        #expect(report.diagnostics.map(\.code) == [.pathTooLong])
        #expect(report.diagnostics.first?.severity == .warning)
        #expect(report.diagnostics.first?.file.hasPrefix(deepest.firstName) == true)
    }

    @Test("a PATH argument with an over-long name says so instead of 'does not exist'")
    func overlongName() throws {
        let tree = try TemporaryTree(["ok.py": simpleFlow])
        let report = FlowDiscovery.discover(root: tree.root, paths: [String(repeating: "n", count: 300)], currentDirectory: tree.root)
        #expect(report.diagnostics.map(\.code) == [.pathTooLong])
    }
}

/// Nested directories (made with mkdirat, so no path is ever longer than one name) whose
/// full path grows past `length`; removed by `remove()` the same way.
struct DeepDirectory {
    let root: String
    let firstName: String
    let names: [String]

    init(under root: String, length: Int) throws {
        self.root = root
        var names: [String] = []
        var total = root.utf8.count
        var index = 0
        while total <= length {
            let name = "d\(index)" + String(repeating: "x", count: 200)
            names.append(name)
            total += name.utf8.count + 1
            index += 1
        }
        self.names = names
        self.firstName = names[0]
        var descriptor = open(root, O_RDONLY | O_DIRECTORY)
        for name in names {
            guard mkdirat(descriptor, name, 0o755) == 0 else { throw POSIXError(.EIO) }
            let next = openat(descriptor, name, O_RDONLY | O_DIRECTORY)
            close(descriptor)
            descriptor = next
        }
        let file = openat(descriptor, "flows.py", O_WRONLY | O_CREAT, 0o644)
        _ = simpleFlow.withCString { write(file, $0, strlen($0)) }
        close(file)
        close(descriptor)
    }

    func remove() {
        var descriptors = [open(root, O_RDONLY | O_DIRECTORY)]
        for name in names { descriptors.append(openat(descriptors.last!, name, O_RDONLY | O_DIRECTORY)) }
        unlinkat(descriptors.last!, "flows.py", 0)
        for (index, name) in names.enumerated().reversed() {
            close(descriptors[index + 1])
            unlinkat(descriptors[index], name, AT_REMOVEDIR)
        }
        close(descriptors[0])
    }
}
