import ArgumentParser

/// `--format text|github`, shared by validate, doctor, plan, deploy, rollback, smoke and health.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, github
}

struct FormatOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "text, or github: GitHub Actions annotations (workflow commands) for problems on stdout, and a Markdown job summary appended to $GITHUB_STEP_SUMMARY when it is set.",
        valueName: "text|github"))
    var format: OutputFormat = .text

    var github: Bool { format == .github }

    /// `--format github` with `--json` is a usage error (exit 64), not silently JSON.
    func check(json: Bool) throws {
        if json && github {
            throw ValidationError("--format github cannot be combined with --json: use --json for one JSON document, or --format github for annotations and a job summary")
        }
    }
}
