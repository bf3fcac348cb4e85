import Foundation

/// `crank init`: what to write into a project without crank.yaml. Reads the flows (and the
/// prefect.yaml files named with `--from`) and returns the text and every issue found; it
/// writes nothing (the CLI writes, refusing to overwrite).
public enum ProjectInit {
    public struct Result: Sendable {
        /// The crank.yaml text; nil when an import error stops it.
        public var text: String?
        public var issues: [ConfigIssue]
        public var deployments: Int
        public var flows: Int
    }

    /// - Parameters:
    ///   - root: the absolute project root.
    ///   - sources: absolute paths of prefect.yaml files to import (empty: a starter from the flows).
    ///   - project: the project name; default the first prefect.yaml's `name:`, else the root's name.
    public static func run(root: String, sources: [String], project: String? = nil) -> Result {
        let discovery = FlowDiscovery.discover(root: root, currentDirectory: root)
        var issues = discovery.diagnostics.filter { $0.severity == .error }.map { diagnostic in
            ConfigIssue(.flowFile, at: diagnostic.line.map { SourceLocation(file: diagnostic.file, line: $0, column: 1) }, file: diagnostic.file, path: "", message: diagnostic.message,
                        hint: "crank init lists the flows it could read; fix this file and run `crank discover`", severity: .warning)
        }
        var python = PythonSettings()
        if FileManager.default.isExecutableFile(atPath: root + "/.venv/bin/python") { python.interpreter = ".venv/bin/python" }
        if FileManager.default.fileExists(atPath: root + "/requirements.txt") { python.requirements = "requirements.txt" }
        guard !sources.isEmpty else {
            let name = project ?? ConfigKeyNames.slug(URL(fileURLWithPath: root).lastPathComponent)
            return Result(text: CrankYAMLBuilder.starter(project: name, flows: discovery.flows, python: python), issues: issues,
                          deployments: discovery.flows.count, flows: discovery.flows.count)
        }
        var imported = PrefectImport()
        var displays: [String] = []
        for source in sources {
            let display = PathResolver.display(source, root: root)
            displays.append(display)
            guard !display.hasPrefix("/") else {
                imported.issues.append(ConfigIssue(.invalidValue, at: nil, file: display, path: "",
                                                   message: "\(display) is outside the project root \(root)",
                                                   hint: "run crank init in the directory that holds the flows (or pass -C), with a prefect.yaml inside it"))
                continue
            }
            let directory = display.contains("/") ? String(display[..<display.lastIndex(of: "/")!]) : ""
            imported.append(PrefectYAMLImporter.read(path: source, displayPath: display, directory: directory))
        }
        issues += imported.issues.sorted { ($0.file, $0.line ?? 0, $0.column ?? 0) < ($1.file, $1.line ?? 0, $1.column ?? 0) }
        for deployment in imported.deployments where FlowReference.resolve(deployment.entrypoint, in: discovery.flows) == nil {
            issues.append(ConfigIssue(.unknownFlow, at: deployment.location, path: "entrypoint",
                                      message: "deployment '\(deployment.name)': crank discover finds no flow at \(deployment.entrypoint)",
                                      hint: "`crank validate` will report it until the entrypoint names a discovered flow (run `crank discover`)",
                                      severity: .warning))
        }
        guard !issues.contains(where: { $0.severity == .error }) else {
            return Result(text: nil, issues: issues, deployments: imported.deployments.count, flows: discovery.flows.count)
        }
        let name = project ?? imported.projectName.map(ConfigKeyNames.slug) ?? ConfigKeyNames.slug(URL(fileURLWithPath: root).lastPathComponent)
        let text = CrankYAMLBuilder.imported(project: name, deployments: imported.deployments, flows: discovery.flows, sources: displays, python: python)
        return Result(text: text, issues: issues, deployments: imported.deployments.count, flows: discovery.flows.count)
    }
}
