import CrankTestSupport
import Foundation
import Testing
@testable import DeployCore

/// A sparse file of `size` bytes (no disk used) at `path`.
func sparseFile(_ path: String, size: Int) throws {
    _ = FileManager.default.createFile(atPath: path, contents: nil)
    let handle = try #require(FileHandle(forWritingAtPath: path))
    try handle.truncate(atOffset: UInt64(size))
    try handle.close()
}

@Suite("Config and secrets files: only regular files, read with a bound")
struct ConfigFileBoundsTests {
    let devProject = "project: demo\nenvironments:\n  dev: {target: local}\n"

    func loadIssues(_ tree: TemporaryTree, env: String? = nil) -> [ConfigIssue] {
        ConfigLoader(root: tree.root, processEnvironment: [:]).load(environment: env).1
    }

    @Test("a crank.yaml symlink to a large file is refused: the limit applies to what is read")
    func symlinkToLargeFile() throws {
        let tree = try TemporaryTree()
        try sparseFile(tree.path("big.yaml"), size: 3 * 1_048_576)
        try tree.symlink("crank.yaml", to: tree.path("big.yaml"))
        let issues = loadIssues(tree)
        #expect(issues.map(\.code) == [.fileTooLarge])
        #expect(issues.first?.file == "crank.yaml")
        #expect(issues.first?.message.contains("1024 KB") == true)
    }

    @Test("a FIFO as crank.yaml is refused without blocking, naming what it is")
    func fifoConfig() throws {
        let tree = try TemporaryTree()
        #expect(mkfifo(tree.path("crank.yaml"), 0o644) == 0)
        let issues = loadIssues(tree)
        #expect(issues.map(\.code) == [.notARegularFile])
        #expect(issues.first?.message.contains("FIFO") == true)
        #expect(issues.first?.message.contains("no crank.yaml") == false)
    }

    @Test("crank.yaml linked to /dev/zero is a character device, not 'no crank.yaml'")
    func deviceConfig() throws {
        let tree = try TemporaryTree()
        try tree.symlink("crank.yaml", to: "/dev/zero")
        let issues = loadIssues(tree)
        #expect(issues.map(\.code) == [.notARegularFile])
        #expect(issues.first?.message.contains("character device") == true)
    }

    @Test("an overlay that is a FIFO or a directory is refused, naming the overlay")
    func overlayNotRegular() throws {
        let tree = try TemporaryTree(["crank.yaml": devProject])
        try tree.mkdir("deployment/environments")
        #expect(mkfifo(tree.path("deployment/environments/dev.yaml"), 0o644) == 0)
        let issues = loadIssues(tree, env: "dev")
        #expect(issues.map(\.code) == [.notARegularFile])
        #expect(issues.first?.file == "deployment/environments/dev.yaml")
        try tree.mkdir("deployment/environments/qa.yaml")
        #expect(loadIssues(tree, env: "qa").map(\.code) == [.notARegularFile])
    }

    @Test("a dangling overlay symlink is reported, not ignored")
    func danglingOverlay() throws {
        let tree = try TemporaryTree(["crank.yaml": devProject])
        try tree.mkdir("deployment/environments")
        try tree.symlink("deployment/environments/dev.yaml", to: tree.path("gone.yaml"))
        let issues = loadIssues(tree, env: "dev")
        #expect(issues.map(\.code) == [.missingFile])
        #expect(issues.first?.file == "deployment/environments/dev.yaml")
    }

    @Test("a secrets file over 1 MB is refused with an issue naming it and the limit")
    func largeSecretsFile() throws {
        let tree = try TemporaryTree(["crank.yaml": devProject])
        try tree.mkdir(".crank/secrets")
        try sparseFile(tree.path(".crank/secrets/dev.env"), size: 100 * 1_048_576)
        let store = SecretStore.load(root: tree.root, environment: "dev", processEnvironment: ["A": "b"])
        #expect(store.fileIssue?.code == .fileTooLarge)
        #expect(store.fileIssue?.file == ".crank/secrets/dev.env")
        #expect(store.value("A") == "b")
        let report = ProjectValidation.run(root: tree.root, environment: "dev", processEnvironment: [:])
        #expect(report.issues.map(\.code).contains(.fileTooLarge))
    }

    @Test("a FIFO or /dev/zero as secrets file is refused without blocking")
    func secretsNotRegular() throws {
        let tree = try TemporaryTree(["crank.yaml": devProject])
        try tree.mkdir(".crank/secrets")
        #expect(mkfifo(tree.path(".crank/secrets/dev.env"), 0o600) == 0)
        let fifo = SecretStore.load(root: tree.root, environment: "dev", processEnvironment: [:]).fileIssue
        #expect(fifo?.code == .notARegularFile)
        #expect(fifo?.message.contains("FIFO") == true)
        try tree.symlink(".crank/secrets/qa.env", to: "/dev/zero")
        let zero = SecretStore.load(root: tree.root, environment: "qa", processEnvironment: [:]).fileIssue
        #expect(zero?.code == .notARegularFile)
    }

    @Test("a missing secrets file is no issue; a readable one is read")
    func ordinarySecrets() throws {
        let tree = try TemporaryTree(["crank.yaml": devProject, ".crank/secrets/dev.env": "TOKEN=abc\n"])
        let store = SecretStore.load(root: tree.root, environment: "dev", processEnvironment: [:])
        #expect(store.fileIssue == nil)
        #expect(store.value("TOKEN") == "abc")
        #expect(SecretStore.load(root: tree.root, environment: "qa", processEnvironment: [:]).fileIssue == nil)
    }
}
