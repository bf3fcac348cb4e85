import CrankTestSupport
import Foundation
import Testing

/// The README's Quickstart, run as written, so it cannot drift from what crank does.
@Suite("README Quickstart")
struct QuickstartTests {
    /// The first ```sh block after `heading` in README.md.
    static func shellBlock(after heading: String) throws -> [String] {
        let readme = try String(contentsOfFile: Checkout.root + "/README.md", encoding: .utf8)
        guard let section = readme.range(of: "\n" + heading + "\n"),
              let open = readme.range(of: "```sh\n", range: section.upperBound..<readme.endIndex),
              let close = readme.range(of: "\n```", range: open.upperBound..<readme.endIndex) else {
            throw TestFailure("README.md has no ```sh block after \(heading)")
        }
        return readme[open.upperBound..<close.lowerBound].split(separator: "\n").map(String.init)
    }

    /// A fresh-clone layout in a temporary folder: the example, the Makefile, and the built
    /// binary where `swift build` leaves it. Only what building needs is left out: the test
    /// process already holds the package's build lock, so `swift build` (and make's `build`
    /// target) are satisfied by the binary under test (`SWIFT=true` for make) — every other
    /// line runs exactly as the README prints it.
    static func freshCheckout() throws -> TemporaryTree {
        let tree = try TemporaryTree()
        let manager = FileManager.default
        try manager.createDirectory(atPath: tree.path("examples"), withIntermediateDirectories: true)
        let example = Checkout.root + "/examples/rpa-platform"
        try manager.createDirectory(atPath: tree.path("examples/rpa-platform"), withIntermediateDirectories: true)
        for item in try manager.contentsOfDirectory(atPath: example) where item != ".crank" {
            try manager.copyItem(atPath: example + "/" + item, toPath: tree.path("examples/rpa-platform/" + item))
        }
        try manager.copyItem(atPath: Checkout.root + "/Makefile", toPath: tree.path("Makefile"))
        try manager.createDirectory(atPath: tree.path(".build/debug"), withIntermediateDirectories: true)
        try manager.createSymbolicLink(atPath: tree.path(".build/debug/crank"), withDestinationPath: ProcessRunner.crankPath)
        return tree
    }

    static func script(_ lines: [String]) -> String {
        let body = lines.compactMap { line -> String? in
            if line.hasPrefix("swift build") { return nil }
            guard line.hasPrefix("make ") else { return line }
            let command = line.split(separator: "#", maxSplits: 1).first.map(String.init) ?? line
            return command + " SWIFT=true"
        }
        return "set -euo pipefail\n" + body.joined(separator: "\n") + "\n"
    }

    @Test("every command of the Quickstart block works from the root of a fresh clone, without MODEL_API_TOKEN where the README sets none")
    func quickstart() throws {
        let lines = try Self.shellBlock(after: "## Quickstart")
        #expect(lines.first?.hasPrefix("swift build") == true, "the block starts by building")
        #expect(lines.contains { $0.hasPrefix("make ") }, "the block runs the make targets")
        let tree = try Self.freshCheckout()
        try Self.script(lines).write(toFile: tree.path("quickstart.sh"), atomically: true, encoding: .utf8)
        let output = try ProcessRunner.run("/usr/bin/env", ["-u", "MODEL_API_TOKEN", "bash", tree.path("quickstart.sh")], in: tree.root)
        #expect(output.status == 0, "Quickstart failed:\n\(output.stdout.suffix(3000))\n\(output.stderr.suffix(3000))")
        #expect(output.stdout.contains("rpa1-invoice-intake"), "discover lists the example's flows")
        #expect(output.stdout.contains("\"flows\""), "discover --json prints the document")
        #expect(output.stderr.contains("config is valid (dev)"), "validate passes with a warning")
        #expect(output.stderr.contains("pandoc is missing") || output.stdout.contains("executable   pandoc"), "doctor checks pandoc")
        #expect(FileManager.default.fileExists(atPath: tree.path("examples/rpa-platform/.crank/build/prod/manifest.json")),
                "build writes the artifacts where the comment says")
    }

    /// The second block: flows to a Prefect server (the test's own server stands in for the
    /// README's example URL; the worker the block starts in the background is stopped after it).
    static func prefectBlock() throws -> [String] {
        let readme = try String(contentsOfFile: Checkout.root + "/README.md", encoding: .utf8)
        guard let quickstart = readme.range(of: "\n## Quickstart\n"),
              let lead = readme.range(of: "Flows to a Prefect server", range: quickstart.upperBound..<readme.endIndex),
              let open = readme.range(of: "```sh\n", range: lead.upperBound..<readme.endIndex),
              let close = readme.range(of: "\n```", range: open.upperBound..<readme.endIndex) else {
            throw TestFailure("README.md's Quickstart has no Prefect block")
        }
        return readme[open.upperBound..<close.lowerBound].split(separator: "\n").map(String.init)
    }

    @Test("the Quickstart's Prefect block deploys, plans, runs a flow through a worker and shows history, as written")
    func prefectQuickstart() async throws {
        let lines = try Self.prefectBlock()
        let export = try #require(lines.firstIndex { $0.hasPrefix("export PREFECT_API_URL=") }, "the block sets PREFECT_API_URL")
        try await PrefectServer.exclusively {
            let api = try await PrefectServer.shared.apiURL()
            let tree = try Self.freshCheckout()
            try FileManager.default.createSymbolicLink(atPath: tree.path(".venv"), withDestinationPath: Checkout.root + "/.venv")
            var body = lines
            body[export] = "export PREFECT_API_URL=\(api.absoluteString)"
            // Harness only: the first block's `crank=` and stopping the block's background worker.
            let script = "set -euo pipefail\ncrank=.build/debug/crank\ntrap 'kill -9 $(jobs -p) 2>/dev/null' EXIT\n" + body.joined(separator: "\n") + "\n"
            try script.write(toFile: tree.path("prefect-quickstart.sh"), atomically: true, encoding: .utf8)
            let output = try await ProcessRunner.offPool {
                try ProcessRunner.run("/bin/sh", ["-c", "bash prefect-quickstart.sh > quickstart.log 2>&1; echo $?"], in: tree.root,
                                      // Harness only: the worker polls every second, not every 10 s.
                                      environment: ["PREFECT_HOME": tree.path(".prefect-home"), "PREFECT_WORKER_QUERY_SECONDS": "1"])
            }
            let log = (try? String(contentsOfFile: tree.path("quickstart.log"), encoding: .utf8)) ?? ""
            #expect(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "the Prefect block failed:\n\(log.suffix(4000))")
            #expect(log.contains("COMPLETED"), "smoke waited for a completed flow run:\n\(log.suffix(2000))")
            #expect(log.contains("r1"), "history lists release r1")
        }
    }
}
