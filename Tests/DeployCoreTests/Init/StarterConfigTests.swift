import CrankTestSupport
import Foundation
import Testing
@testable import DeployCore

@Suite("crank init: the starter crank.yaml")
struct StarterConfigTests {
    @Test("one deployment per flow, placeholders for required parameters, a dev environment that validates")
    func starter() throws {
        let tree = try TemporaryTree([
            "etl/flows.py": """
                from prefect import flow

                @flow(name="daily-etl")
                def daily_etl(day: str, limit: int, dry_run: bool = False):
                    pass

                @flow
                def weekly_rollup(days: int = 7):
                    pass
                """,
        ])
        let result = ProjectInit.run(root: tree.root, sources: [], project: "shop")
        let text = try #require(result.text)
        #expect(result.deployments == 2)
        #expect(text.contains("project: shop\n"))
        #expect(text.contains("  daily-etl:\n    flow: etl/flows.py:daily_etl\n    parameters:  # required by the flow: replace these placeholders\n      day: \"\"\n      limit: 0\n"), "\(text)")
        #expect(text.contains("  weekly-rollup:\n    flow: etl/flows.py:weekly_rollup\n"))
        for target in ["target: prefect", "target: container", "hosts:"] {
            #expect(text.contains("#   \(target)"), "a commented example of \(target)")
        }
        try tree.write("crank.yaml", text)
        let report = ProjectValidation.run(root: tree.root, environment: nil, processEnvironment: [:])
        #expect(report.issues.filter { $0.severity == .error } == [], "\(report.issues)\n\(text)")
        #expect(report.environments == ["dev"])
    }

    @Test("the project's .venv interpreter and requirements.txt are used when present")
    func python() throws {
        let tree = try TemporaryTree(["requirements.txt": "prefect==3.8.8\n", "flows/a.py": "from prefect import flow\n\n@flow\ndef a():\n    pass\n"])
        try tree.symlink(".venv", to: "/work/does-not-matter")
        #expect(try #require(ProjectInit.run(root: tree.root, sources: []).text).contains("\npython:\n  requirements: requirements.txt\n"))
        try FileManager.default.removeItem(atPath: tree.path(".venv"))
        try FileManager.default.createDirectory(atPath: tree.path(".venv/bin"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: tree.path(".venv/bin/python"), withDestinationPath: "/bin/sh")
        let text = try #require(ProjectInit.run(root: tree.root, sources: []).text)
        #expect(text.contains("\npython:\n  interpreter: .venv/bin/python\n  requirements: requirements.txt\n"), "\(text)")
        try tree.write("crank.yaml", text)
        #expect(ProjectValidation.run(root: tree.root, environment: nil, processEnvironment: [:]).issues.filter { $0.severity == .error } == [])
    }

    @Test("a project without flows still gets a valid crank.yaml")
    func empty() throws {
        let tree = try TemporaryTree(["README.md": "nothing here\n"])
        let text = try #require(ProjectInit.run(root: tree.root, sources: []).text)
        try tree.write("crank.yaml", text)
        #expect(ProjectValidation.run(root: tree.root, environment: nil, processEnvironment: [:]).issues.filter { $0.severity == .error } == [])
    }

    @Test("strings are plain only where YAML reads them back as the same string")
    func plainScalars() {
        for text in ["s3://bucket/raw", "flows/a.py:main", "0 6 * * 1-5", "Train (weekly)", "etl-pool"] {
            #expect(CrankYAMLBuilder.scalar(.string(text)) == text)
        }
        for text in ["on", "null", "1e3", "12:30", "0x1F", "~", "* * * * *", "a: b", "#x", "${VAR}", " padded", "2026-01-01"] {
            #expect(CrankYAMLBuilder.scalar(.string(text)).hasPrefix("\""), "\(text) must be quoted")
        }
        #expect(CrankYAMLBuilder.block("tags", .array([.string("a,b"), .string("c")]), indent: 0) == ["tags: [\"a,b\", c]"])
    }

    @Test(".crank/.gitignore: created with `*`, idempotent, an existing one left alone")
    func crankDirectory() throws {
        let tree = try TemporaryTree()
        try CrankDirectory.ensure(projectRoot: tree.root)
        #expect(try String(contentsOfFile: tree.path(".crank/.gitignore"), encoding: .utf8) == "*\n")
        try CrankDirectory.ensure(projectRoot: tree.root)
        try tree.write(".crank/.gitignore", "*\n!keep\n")
        try CrankDirectory.ensure(projectRoot: tree.root)
        #expect(try String(contentsOfFile: tree.path(".crank/.gitignore"), encoding: .utf8) == "*\n!keep\n")
    }
}
