import Foundation

/// load → discover → render → plan for one environment: what `crank build`, `crank plan`
/// and (later) `crank deploy` share. Reads the world (git, secrets, templates); never writes
/// except the per-project secret-fingerprint key.
public struct BuildPipeline {
    public enum Failure: Error, Equatable {
        case render(DeploymentRenderer.Failure)
        case template(ContainerfileBuilder.Failure)
        case missingTemplate(String)
        case state(String)

        public var message: String {
            switch self {
            case .render(.unknownFlow(let deployment, let reference)):
                return "deployment '\(deployment)': no discovered flow '\(reference)' (did its entrypoint move?)"
            case .render(.ambiguousFlow(let deployment, let reference, let candidates)):
                return "deployment '\(deployment)': flow '\(reference)' is ambiguous: \(candidates.count) discovered flows match it: \(candidates.joined(separator: ", "))"
            case .render(.invalidImage(let deployment, let reference, let reason)):
                return "deployment '\(deployment)': image reference '\(reference)' is malformed: \(reason)"
            case .render(.secretInField(let deployment, let field, let secret)):
                return "deployment '\(deployment)': the value of secret \(secret) would be written into its \(field) in plain text"
            case .template(.unknownPlaceholder(let name, let template)):
                return "\(template): unknown placeholder {{\(name)}}"
            case .template(.unsafeValue(let field, let value)):
                return "\(field): \(TextRules.display(value)) cannot be written into a Containerfile"
            case .missingTemplate(let path):
                return "no Containerfile template (looked for \(path) in the project and in crank's deployment/)"
            case .state(let reason):
                return reason
            }
        }

        public var hint: String {
            switch self {
            case .render(.unknownFlow): return "run `crank discover` and update the deployment's `flow:`"
            case .render(.ambiguousFlow(_, _, let candidates)):
                return "name one by its entrypoint file:function (e.g. `flow: \(candidates.first ?? "file.py:function")`), or give the flows distinct names with @flow(name=…)"
            case .render(.invalidImage): return "fix environments.<env>.container.registry / base_image (lowercase repository, valid tag)"
            case .render(.secretInField): return "secrets may be interpolated only into `env:` values; `crank validate` names the key"
            case .template(.unsafeValue): return "`crank validate` names the key and the characters it allows"
            case .template: return "placeholders: {{" + ContainerfileBuilder.placeholders.sorted().joined(separator: "}}, {{") + "}}"
            case .missingTemplate: return "restore deployment/templates/Containerfile.template"
            case .state: return "check that .crank/ is writable"
            }
        }
    }

    public let effective: EffectiveConfig
    public let runner: any CommandRunner
    public let processEnvironment: [String: String]

    public init(effective: EffectiveConfig, runner: any CommandRunner, processEnvironment: [String: String]) {
        self.effective = effective
        self.runner = runner
        self.processEnvironment = processEnvironment
    }

    public func inputs() throws(Failure) -> BuildInputs {
        let root = effective.root
        let discovery = FlowDiscovery.discover(for: effective)
        let path = processEnvironment["PATH"]
        let revision = SourceRevision.read(
            root: root, runner: runner, git: ExecutableLocator.find("git", path: path),
            fallbackFiles: [ProjectRoot.configFileName] + effective.layers + Set(discovery.flows.map(\.file)).sorted())
        let fingerprint: SecretFingerprint
        do {
            fingerprint = try SecretFingerprint.load(root: root)
        } catch {
            throw .state("\(error)")
        }
        let environment = effective.config.environment(effective.environment ?? "")
        var inputs = BuildInputs(
            effective: effective, flows: discovery.flows, revision: revision,
            secrets: SecretStore.load(root: root, environment: effective.environment ?? "", processEnvironment: processEnvironment),
            fingerprint: fingerprint, engine: BuildInputs.engine(for: environment, path: path))
        inputs.projectIgnore = [".containerignore", ".dockerignore"].lazy
            .compactMap { FileManager.default.contents(atPath: root + "/" + $0) }.first.map { String(decoding: $0, as: UTF8.self) }
        return inputs
    }

    public func build(selection: BuildPlanner.Selection) throws(Failure) -> (DeployPlan, BuildManifest, BuildInputs) {
        let inputs = try inputs()
        let rendered: [RenderedDeployment]
        do {
            rendered = try DeploymentRenderer(inputs: inputs).render()
        } catch {
            throw .render(error)
        }
        let templatePath = ContainerfileBuilder.templateFile
        let candidates = [effective.root + "/" + templatePath, ShippedFiles.locate(templatePath)].compactMap { $0 }
        let template = candidates.lazy.compactMap { path in (try? String(contentsOfFile: path, encoding: .utf8)).map { (path, $0) } }.first
        let needsTemplate = rendered.contains { $0.kind == .container && selection.containers }
        guard let template = template ?? (needsTemplate ? nil : ("", "")) else { throw .missingTemplate(templatePath) }
        let planner = BuildPlanner(inputs: inputs, containerfile: ContainerfileBuilder(template: template.1, templatePath: template.0))
        do {
            let (plan, manifest) = try planner.plan(rendered, selection: selection)
            return (plan, manifest, inputs)
        } catch {
            throw .template(error)
        }
    }
}
