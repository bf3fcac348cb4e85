import ArgumentParser
import DeployCore
import Foundation

extension Crank {
    struct Doctor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the interpreter, Python modules, executables, GPU and target tools an environment needs, and its state files.",
            discussion: """
                Every miss comes with install hints (apt / brew / pip). State problems (unreadable records, a wrong live \
                pointer, torn audit lines, stale locks, pending releases, leftovers of a killed crank, a garbled secret key) \
                are listed with their fix; --repair applies the fixes it can. Exits 1 when a required dependency is missing \
                or a state problem remains.
                """)

        @OptionGroup var global: GlobalOptions

        @OptionGroup var environment: EnvironmentOptions

        @Flag(help: "Fix the state problems that can be fixed (takes the environment's lock), printing what was done.") var repair = false

        @OptionGroup var output: FormatOptions

        func validate() throws { try output.check(json: global.json) }

        func run() async throws {
            var terminal = Terminal()
            if output.github { terminal.annotationTitle = "crank doctor --env \(environment.env)" }
            let effective = try environment.loadEffective(global: global, terminal: terminal)
            let hints = InstallHints.load(projectRoot: effective.root, shippedFile: ShippedFiles.locate(InstallHints.fileName))
            let doctor = DependencyDoctor(effective: effective, flows: FlowDiscovery.discover(for: effective).flows, hints: hints,
                                          runner: ProcessCommandRunner(), http: URLSessionProbe(),
                                          path: ProcessInfo.processInfo.environment["PATH"])
            let report = await doctor.run()
            let state = try await DoctorState.run(global: global, environment: environment, effective: effective, repair: repair, terminal: terminal)
            if global.json {
                try terminal.printJSON(DoctorState.JSON(report: report, state: state))
            } else {
                DoctorRendering.render(report, on: terminal)
                DoctorState.render(state, environment: environment.env, on: terminal)
            }
            if output.github {
                GitHubOutput(terminal: terminal, redactor: GitHubOutput.redactor(for: effective, environment: environment.env))
                    .summarize(DoctorRendering.summary(report, state: state))
            }
            if report.hasMissing || !state.problems.isEmpty { throw ExitCode(1) }
        }
    }
}

enum DoctorRendering {
    static func label(_ status: DoctorCheck.Status) -> String {
        switch status {
        case .ok: "ok"
        case .missing: "MISSING"
        case .missingOptional: "optional"
        }
    }

    static func render(_ report: DoctorReport, on terminal: Terminal) {
        let rows = [["STATUS", "KIND", "NAME", "REQUIRED BY", "DETAIL"]] + report.checks.map { check in
            [label(check.status), check.kind.rawValue, check.name,
             check.requiredBy.isEmpty ? "(\(report.target.rawValue) target)" : check.requiredBy.joined(separator: ", "), check.detail ?? ""]
        }
        terminal.print(TextTable.render(rows))
        for check in report.checks where check.status == .missing {
            let users = check.requiredBy.isEmpty ? "the \(report.target.rawValue) target" : check.requiredBy.joined(separator: ", ")
            terminal.error("\(check.kind.rawValue) \(check.name) is missing (needed by \(users))", hint: check.hint?.summary)
        }
        for check in report.checks where check.status == .missingOptional {
            terminal.warning("\(check.kind.rawValue) \(check.name) is missing; \(check.requiredBy.joined(separator: ", ")) runs without it (optional_executables)",
                             hint: check.hint?.summary)
        }
        terminal.note(verdict(report))
    }

    static func verdict(_ report: DoctorReport) -> String {
        let missing = report.checks.filter { $0.status == .missing }.count
        return missing == 0 ? "all \(report.checks.count) dependencies found for \(report.environment)"
                            : "\(missing) of \(report.checks.count) dependencies missing for \(report.environment)"
    }

    /// The job summary: the verdict, then every check with the install hint of a missing one.
    static func summary(_ report: DoctorReport, state: DoctorState.Result) -> StepSummary {
        var summary = StepSummary("crank doctor --env \(report.environment)")
        summary.paragraph(verdict(report))
        summary.table(["STATUS", "KIND", "NAME", "REQUIRED BY", "DETAIL / INSTALL"], report.checks.map { check in
            [label(check.status), check.kind.rawValue, check.name,
             check.requiredBy.isEmpty ? "(\(report.target.rawValue) target)" : check.requiredBy.joined(separator: ", "),
             check.status != .ok ? check.hint?.summary ?? check.detail ?? "" : check.detail ?? ""]
        })
        summary.paragraph(state.problems.isEmpty ? "state: no problems" : "state: \(state.problems.count) problem(s)")
        summary.table(["STATE PROBLEM", "FIX"], state.problems.map { [$0.message, $0.fix] })
        return summary
    }
}
