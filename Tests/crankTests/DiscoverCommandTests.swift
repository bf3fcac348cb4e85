import CrankTestSupport
import DeployCore
import Foundation
import Testing

let fixtures = Checkout.root + "/Tests/crankTests/Fixtures"

@Suite("crank discover (the built binary)")
struct DiscoverCommandTests {
    @Test("--json prints one document with the documented fields, nulls included")
    func jsonShape() throws {
        let output = try ProcessRunner.crank(["discover", "--json", "-C", fixtures + "/crosscheck"])
        #expect(output.status == 0)
        let document = try output.jsonObject()
        #expect(Set(document.keys) == ["root", "flows", "diagnostics"])
        #expect(document["root"] as? String == fixtures + "/crosscheck")
        let flows = try #require(document["flows"] as? [[String: Any]])
        #expect(flows.count == 8)
        for flow in flows {
            #expect(Set(flow.keys) == [
                "name", "function", "file", "line", "entrypoint", "async", "parameters", "description", "decorator", "imports",
            ])
        }
        let daily = try #require(flows.first { $0["function"] as? String == "daily_etl" })
        #expect(daily["name"] as? String == "daily-etl")
        #expect(daily["entrypoint"] as? String == "etl/flows.py:daily_etl")
        #expect(daily["line"] as? Int == 11)
        #expect(daily["description"] as? String == "Extract, transform and load.")
        let parameters = try #require(daily["parameters"] as? [[String: Any]])
        #expect(parameters.map { Set($0.keys) } == Array(repeating: ["name", "annotation", "default", "kind", "required"], count: 2))
        #expect(parameters.first?["default"] as? String == "\"s3://bucket/raw\"")
        let backfill = try #require(flows.first { $0["function"] as? String == "backfill" })
        #expect(backfill["description"] is NSNull)
        let start = try #require((backfill["parameters"] as? [[String: Any]])?.first)
        #expect(start["default"] is NSNull)
        #expect(start["required"] as? Bool == true)
        #expect(start["kind"] as? String == "positional_or_keyword")
        let files = flows.compactMap { $0["file"] as? String }
        #expect(files == files.sorted())
    }

    @Test("human output is a table of name, entrypoint and parameters; the summary goes to stderr")
    func table() throws {
        let output = try ProcessRunner.crank(["discover"], in: fixtures + "/crosscheck")
        #expect(output.status == 0)
        let lines = output.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.split(separator: " ", omittingEmptySubsequences: true) == ["NAME", "ENTRYPOINT", "PARAMETERS"])
        #expect(lines.contains { $0.hasPrefix("daily-etl") && $0.contains("etl/flows.py:daily_etl") && $0.hasSuffix("source=\"s3://bucket/raw\", limit=100") })
        #expect(output.stderr == "8 flows in 5 files\n")
    }

    @Test("a file that cannot be parsed exits 1, names file and line on stderr, and still lists the other flows")
    func errorsExitOne() throws {
        let output = try ProcessRunner.crank(["discover", "-C", fixtures + "/project"])
        #expect(output.status == 1)
        #expect(output.stdout.contains("sub/flows.py:in_subdirectory"))
        #expect(output.stderr.contains("error: sub/dir/broken.py:6: unterminated string literal; no flows are read from this file [syntax-error]\nhint: "))
        let json = try ProcessRunner.crank(["discover", "--json", "-C", fixtures + "/project"])
        #expect(json.status == 1)
        let diagnostics = try #require(try json.jsonObject()["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first.map { Set($0.keys) } == ["file", "line", "severity", "code", "message"])
        #expect(diagnostics.first?["code"] as? String == "syntax-error")
        #expect(diagnostics.first?["line"] as? Int == 6)
        #expect(json.stderr.isEmpty)
    }

    @Test("the project root defaults to the nearest ancestor holding crank.yaml")
    func projectRootDefault() throws {
        let output = try ProcessRunner.crank(["discover", "--json"], in: fixtures + "/project/sub/dir")
        #expect(try output.jsonObject()["root"] as? String == fixtures + "/project")
        #expect(output.stdout.contains("\"sub/flows.py:in_subdirectory\""))
    }

    @Test("a PATH that does not exist is an error with exit 1")
    func missingPath() throws {
        let output = try ProcessRunner.crank(["discover", "does/not/exist"], in: fixtures + "/crosscheck")
        #expect(output.status == 1)
        #expect(output.stderr.hasPrefix("error: does/not/exist: path does not exist [path-not-found]\nhint: "))
    }

    @Test("usage errors exit 64")
    func usageError() throws {
        let output = try ProcessRunner.crank(["discover", "--no-such-flag"])
        #expect(output.status == 64)
        #expect(output.stderr.contains("--no-such-flag"))
    }

    @Test("--version prints the version")
    func version() throws {
        let output = try ProcessRunner.crank(["--version"])
        #expect(output.status == 0)
        #expect(output.stdout == CrankVersion.current + "\n")
    }

    @Test("colour only on a terminal, never with NO_COLOR")
    func colour() throws {
        let command = "\(ProcessRunner.crankPath) discover does-not-exist"
        let onTTY = try ProcessRunner.run("/usr/bin/script", ["-qec", command, "/dev/null"], in: fixtures)
        #expect(onTTY.stdout.contains("\u{1B}[1;31merror:"))
        let noColor = try ProcessRunner.run("/usr/bin/script", ["-qec", command, "/dev/null"], in: fixtures, environment: ["NO_COLOR": "1"])
        #expect(noColor.stdout.contains("error: does-not-exist"))
        #expect(!noColor.stdout.contains("\u{1B}["))
        let piped = try ProcessRunner.crank(["discover", "does-not-exist"], in: fixtures)
        #expect(!piped.stderr.contains("\u{1B}["))
    }

    @Test("shell completions are generated")
    func completions() throws {
        let output = try ProcessRunner.crank(["--generate-completion-script", "bash"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("discover"))
    }

    @Test("a file nobody may read is an unreadable-file error (run as an unprivileged user)")
    func unreadableFile() throws {
        guard getuid() == 0 else {
            let tree = try TemporaryTree(["secret.py": "from prefect import flow\n"])
            chmod(tree.path("secret.py"), 0)
            let output = try ProcessRunner.crank(["discover", "-C", tree.root])
            #expect(output.stderr.contains("[unreadable-file]"))
            return
        }
        // root reads everything; drop to `nobody` with setpriv to make the permission real.
        let tree = try TemporaryTree(["secret.py": "from prefect import flow\n", "ok.py": "x = 1\n"])
        chmod(tree.root, 0o755)
        chmod(tree.path("secret.py"), 0)
        let output = try ProcessRunner.run(
            "/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", ProcessRunner.crankPath, "discover", "-C", tree.root])
        #expect(output.status == 1)
        #expect(output.stderr.contains("error: secret.py: cannot read file: Permission denied [unreadable-file]"))
    }
}

@Suite("crank discover with a broken crank.yaml")
struct DiscoverBrokenConfigTests {
    @Test("an unreadable crank.yaml is a warning, not a silent fallback; the root is still scanned")
    func brokenConfig() throws {
        let tree = try TemporaryTree(["crank.yaml": "project: [unclosed\n", "flows/a.py": "from prefect import flow\n@flow\ndef a(): pass\n"])
        let output = try ProcessRunner.crank(["discover", "-C", tree.root])
        #expect(output.status == 0)
        #expect(output.stdout.contains("flows/a.py:a"))
        #expect(output.stderr.hasPrefix("warning: crank.yaml cannot be read"))
        #expect(output.stderr.contains("hint: `crank validate` lists the errors"))
    }

    @Test("a symlink out of the project root is a warning naming it; --follow-symlinks scans it")
    func escapingSymlink() throws {
        let tree = try TemporaryTree([
            "project/crank.yaml": "project: demo\n",
            "project/app/flows.py": "from prefect import flow\n@flow\ndef mine(): pass\n",
            "outside/flows.py": "from prefect import flow\n@flow\ndef theirs(): pass\n",
        ])
        try tree.symlink("project/ext", to: tree.path("outside"))
        let output = try ProcessRunner.crank(["discover", "-C", tree.path("project")])
        #expect(output.status == 0)
        #expect(!output.stdout.contains("theirs"))
        #expect(output.stderr.contains("warning: ext: symlink to \(tree.path("outside")) leaves the project root; not followed [symlink-outside-root]"))
        let followed = try ProcessRunner.crank(["discover", "--follow-symlinks", "-C", tree.path("project")])
        #expect(followed.stdout.contains("ext/flows.py:theirs"))
        try tree.write("project/crank.yaml", "project: demo\nflows: {follow_symlinks: true}\n")
        #expect(try ProcessRunner.crank(["discover", "-C", tree.path("project")]).stdout.contains("ext/flows.py:theirs"))
    }
}
