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
}
