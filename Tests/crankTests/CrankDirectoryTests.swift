import CrankTestSupport
import Foundation
import Testing

/// `.crank/` holds secrets, the fingerprint key and state: git must never see any of it.
@Suite(".crank/ stays out of git (the built binary, real git)")
struct CrankDirectoryTests {
    static func gitProject() throws -> TemporaryTree {
        let tree = try TemporaryTree([
            "crank.yaml": """
                project: ign
                environments:
                  dev: {target: local}
                deployments:
                  api: {command: [python3, api.py], port: 18081, secrets: [API_TOKEN]}
                """,
            "api.py": "print('hi')\n",
        ])
        let git = try ProcessRunner.run("/usr/bin/git", ["init", "-q"], in: tree.root)
        #expect(git.status == 0, "\(git.stderr)")
        return tree
    }

    func ignored(_ path: String, in tree: TemporaryTree) throws -> Bool {
        try ProcessRunner.run("/usr/bin/git", ["check-ignore", "-q", path], in: tree.root).status == 0
    }

    @Test("after a build, git ignores .crank/secret-key, the secrets file and the build output; git status shows no .crank")
    func afterBuild() throws {
        let tree = try Self.gitProject()
        let build = try ProcessRunner.crank(["build", "--env", "dev", "-C", tree.root], environment: ["API_TOKEN": "t0ken-value"])
        #expect(build.status == 0, "\(build.stderr)")
        #expect(FileManager.default.fileExists(atPath: tree.path(".crank/secret-key")))
        #expect(try String(contentsOfFile: tree.path(".crank/.gitignore"), encoding: .utf8) == "*\n")
        for path in [".crank/secret-key", ".crank/secrets/dev.env", ".crank/build/dev/manifest.json", ".crank/state/dev/lock"] {
            #expect(try ignored(path, in: tree), "\(path) is not git-ignored")
        }
        let status = try ProcessRunner.run("/usr/bin/git", ["status", "--porcelain", "--untracked-files=all"], in: tree.root)
        #expect(!status.stdout.contains(".crank"), "\(status.stdout)")
    }

    @Test("the missing-secret hint's promise holds: .crank/secrets/<env>.env is git-ignored before the user writes it")
    func hintIsTrue() throws {
        let tree = try Self.gitProject()
        let validate = try ProcessRunner.crank(["validate", "--env", "dev", "-C", tree.root])
        #expect(validate.stderr.contains(".crank/secrets/dev.env (git-ignored)"), "\(validate.stderr)")
        #expect(try ignored(".crank/secrets/dev.env", in: tree))
    }

    @Test("a .crank/.gitignore the user changed is left as it is")
    func keepsUserFile() throws {
        let tree = try Self.gitProject()
        try tree.write(".crank/.gitignore", "*\n!notes.md\n")
        let build = try ProcessRunner.crank(["build", "--env", "dev", "-C", tree.root], environment: ["API_TOKEN": "t0ken-value"])
        #expect(build.status == 0, "\(build.stderr)")
        #expect(try String(contentsOfFile: tree.path(".crank/.gitignore"), encoding: .utf8) == "*\n!notes.md\n")
    }
}
