import Foundation

/// Renders a deployment's Containerfile from the template (the project's own
/// `deployment/templates/Containerfile.template`, else crank's).
public struct ContainerfileBuilder {
    public static let templateFile = "deployment/templates/Containerfile.template"
    static let placeholders: Set<String> = [
        "PROJECT", "DEPLOYMENT", "VERSION", "GIT_SHA", "BASE_IMAGE", "REQUIREMENTS", "EXPOSE", "COMMAND",
    ]

    public enum Failure: Error, Equatable {
        case unknownPlaceholder(String, template: String)
        /// A value the Containerfile cannot hold as written (see `TextRules`); nothing is rendered.
        case unsafeValue(field: String, value: String)
    }

    public let template: String
    public let templatePath: String

    public init(template: String, templatePath: String) {
        self.template = template
        self.templatePath = templatePath
    }

    public func render(_ deployment: RenderedDeployment, inputs: BuildInputs, command: [String]) throws(Failure) -> String {
        let base = deployment.spec["base_image"].flatMap { if case .string(let text) = $0 { return text } else { return nil } } ?? ImageReference.defaultBase
        var values: [String: String] = [
            "PROJECT": inputs.project,
            "DEPLOYMENT": deployment.name,
            "VERSION": inputs.revision.tag,
            "GIT_SHA": inputs.revision.gitSHA ?? "none",
            "BASE_IMAGE": base,
            "EXPOSE": deployment.spec["port"].flatMap { if case .int(let port) = $0 { return "EXPOSE \(port)" } else { return nil } } ?? "",
        ]
        // Each value goes into the text unquoted (LABEL values inside "…", RUN lines through a shell).
        let checks: [(String, String, Bool)] = [
            ("project", inputs.project, NameRules.isValid(inputs.project)),
            ("deployment", deployment.name, NameRules.isValid(deployment.name)),
            ("version", inputs.revision.tag, TextRules.isTag(inputs.revision.tag)),
            ("git_sha", values["GIT_SHA"]!, TextRules.isTag(values["GIT_SHA"]!)),
            ("base_image", base, ImageReference.problem(in: base) == nil),
            ("python.requirements", inputs.effective.config.python.requirements ?? "", inputs.effective.config.python.requirements.map(TextRules.isProjectPath) ?? true),
        ]
        if let (field, value, _) = checks.first(where: { !$0.2 }) { throw .unsafeValue(field: field, value: value) }
        if let requirements = inputs.effective.config.python.requirements {
            values["REQUIREMENTS"] = """
                COPY \(requirements) /app/\(requirements)
                RUN python3 -m pip install --no-cache-dir -r /app/\(requirements)
                """
        } else {
            values["REQUIREMENTS"] = ""
        }
        values["COMMAND"] = JSONWriter.compactText(.array(command.map(JSONValue.string)))
        var output = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            let name = String(rest[open.upperBound..<close.lowerBound])
            guard Self.placeholders.contains(name), let value = values[name] else {
                throw .unknownPlaceholder(name, template: templatePath)
            }
            output += value
            rest = rest[close.upperBound...]
        }
        output += rest
        // Placeholders that render empty leave blank lines; drop runs of them.
        return output.replacingOccurrences(of: "\n\n\n", with: "\n\n")
    }

    /// The argv a container of a flow deployment runs: Prefect serves the flow.
    public static func command(for deployment: RenderedDeployment) -> [String] {
        if case .array(let argv)? = deployment.spec["argv"] {
            return argv.compactMap { if case .string(let text) = $0 { return text } else { return nil } }
        }
        if case .string(let entrypoint)? = deployment.spec["entrypoint"] {
            return ["prefect", "flow", "serve", entrypoint, "--name", deployment.name]
        }
        return []
    }
}
