@testable import crank
import CrankTestSupport
import Foundation
import Testing
import Yams

/// docs/ci/github-actions-deploy.yml cannot drift from the CLI: every `crank …` line of its
/// `run:` steps must parse with crank's own parser (options, values and `validate()` rules).
@Suite("the example GitHub Actions workflow")
struct WorkflowExampleTests {
    static let path = Checkout.root + "/docs/ci/github-actions-deploy.yml"

    static func workflow() throws -> Node {
        try #require(try Yams.compose(yaml: String(contentsOfFile: path, encoding: .utf8)))
    }

    /// `key` of a mapping, compared as text (YAML 1.1 would read the `on:` key as a boolean).
    static func value(_ node: Node?, _ key: String) -> Node? {
        node?.mapping?.first { $0.key.string == key }?.value
    }

    static func steps() throws -> [(job: String, step: Node)] {
        let jobs = try #require(value(try workflow(), "jobs")?.mapping)
        return jobs.flatMap { job in (value(job.value, "steps")?.sequence ?? []).map { (job.key.string ?? "?", $0) } }
    }

    /// The crank command lines of a `run:` script (continuation lines joined), as argv without
    /// `crank`; `$VAR`, `"$VAR …"` and `${{ … }}` become one placeholder word each.
    static func crankInvocations(_ script: String) -> [[String]] {
        let joined = script.replacingOccurrences(of: "\\\n", with: " ")
        return joined.split(separator: "\n").compactMap { line -> [String]? in
            let text = line.trimmingCharacters(in: .whitespaces)
            guard text.hasPrefix("crank ") else { return nil }
            return Array(ShellWords.split(text).dropFirst())
        }
    }

    @Test("every crank command in a run: step parses with crank's own parser")
    func parses() throws {
        var seen: Set<String> = []
        for (job, step) in try Self.steps() {
            guard let script = Self.value(step, "run")?.string else { continue }
            for argv in Self.crankInvocations(script) {
                seen.insert(argv.first ?? "")
                do { _ = try Crank.parseAsRoot(argv) } catch {
                    Issue.record("\(job): `crank \(argv.joined(separator: " "))` does not parse: \(Crank.message(for: error))")
                }
            }
        }
        #expect(seen == ["validate", "doctor", "plan", "deploy", "health", "smoke", "rollback"])
    }

    @Test("validates on pull requests, plans with --detailed-exitcode (2 is not a failure), deploys staging on main, rolls back on failure")
    func shape() throws {
        let workflow = try Self.workflow()
        let on = try #require(Self.value(workflow, "on"))
        #expect(Self.value(on, "pull_request") != nil)
        #expect(Self.value(Self.value(on, "push"), "branches")?.sequence?.compactMap(\.string) == ["main"])
        let steps = try Self.steps()
        let scripts = steps.compactMap { Self.value($0.step, "run")?.string }
        #expect(scripts.contains { $0.contains("crank validate --format github") })
        let plan = try #require(scripts.first { $0.contains("crank plan") && $0.contains("--detailed-exitcode") })
        #expect(plan.contains("-ne 2"), "exit 2 (changes) must not fail the step")
        let deploy = try #require(steps.first { (Self.value($0.step, "run")?.string ?? "").contains("crank deploy --env staging") })
        let jobs = try #require(Self.value(workflow, "jobs"))
        let condition = Self.value(Self.value(jobs, deploy.job), "if")?.string ?? ""
        #expect(condition.contains("refs/heads/main") && condition.contains("push"), "\(condition)")
        let rollback = try #require(steps.first { (Self.value($0.step, "run")?.string ?? "").contains("crank rollback --env staging") })
        #expect(rollback.job == deploy.job)
        #expect((Self.value(rollback.step, "if")?.string ?? "").contains("failure()"))
        // A runner without Swift: crank comes from the `make dist` tarball.
        #expect(scripts.contains { $0.contains("tar -xz") && $0.contains("GITHUB_PATH") })
        #expect(!scripts.contains { $0.contains("swift build") })
    }

    @Test("the shell-word splitter keeps quoted words whole and stands in for variables")
    func words() {
        #expect(ShellWords.split(#"crank deploy --reason "$GITHUB_SHA by $GITHUB_ACTOR" --env 'my env' x\ y"#)
            == ["crank", "deploy", "--reason", "VALUE", "--env", "my env", "x y"])
        #expect(ShellWords.split("crank plan --env ${{ inputs.env }} --format github") == ["crank", "plan", "--env", "VALUE", "--format", "github"])
    }
}

/// Splits a shell command line into words (quotes, backslashes); a word holding `$…` or
/// `${{ … }}` becomes "VALUE" (what it expands to at run time is not known here).
enum ShellWords {
    static func split(_ line: String) -> [String] {
        let text = line.replacingOccurrences(of: #"\$\{\{[^}]*\}\}"#, with: "$EXPR", options: .regularExpression)
        var words: [String] = []
        var current = ""
        var started = false
        var dynamic = false
        var quote: Character?
        var escaped = false
        func finish() {
            if started { words.append(dynamic ? "VALUE" : current) }
            current = ""
            started = false
            dynamic = false
        }
        for character in text {
            if escaped { current.append(character); escaped = false; continue }
            switch (quote, character) {
            case (nil, "\\"), ("\"", "\\"): escaped = true; started = true
            case (nil, "'"), (nil, "\""): quote = character; started = true
            case ("'", "'"), ("\"", "\""): quote = nil
            case (nil, " "), (nil, "\t"): finish()
            case (let q, "$") where q != "'": dynamic = true; started = true; current.append(character)
            default: current.append(character); started = true
            }
        }
        finish()
        return words
    }
}
