import Foundation

/// Turns rendered deployments into the artifacts under `.crank/build/<env>/` and the
/// commands deploy will run — a `DeployPlan`, never executed here.
public struct BuildPlanner {
    public struct Selection: Equatable, Sendable {
        public var python: Bool
        public var containers: Bool
        public init(python: Bool, containers: Bool) {
            self.python = python || !containers
            self.containers = containers || !python
        }
        func includes(_ kind: DeploymentKind) -> Bool { kind == .python ? python : containers }
    }

    public let inputs: BuildInputs
    public let containerfile: ContainerfileBuilder

    public init(inputs: BuildInputs, containerfile: ContainerfileBuilder) {
        self.inputs = inputs
        self.containerfile = containerfile
    }

    public var directory: String { ".crank/build/\(inputs.environmentName)" }

    public func plan(_ deployments: [RenderedDeployment], selection: Selection) throws(ContainerfileBuilder.Failure) -> (DeployPlan, BuildManifest) {
        let selected = deployments.filter { selection.includes($0.kind) }
        var plan = DeployPlan()
        var entries: [BuildManifest.Entry] = []
        let flows = selected.filter { $0.role == .flow }
        if !flows.isEmpty {
            plan.steps.append(.writeFile(path: "\(directory)/prefect.yaml", contents: PrefectYAMLBuilder.render(flows, inputs: inputs)))
        }
        for deployment in selected {
            var artifacts: [String] = []
            var commands: [ShellCommand] = []
            if deployment.role == .flow { artifacts.append("\(directory)/prefect.yaml") }
            if deployment.role == .service && deployment.kind == .python {
                let path = "\(directory)/processes/\(deployment.name).json"
                var writer = JSONWriter()
                writer.value(deployment.json)
                writer.finish()
                plan.steps.append(.writeFile(path: path, contents: String(decoding: writer.bytes, as: UTF8.self)))
                artifacts.append(path)
            }
            if deployment.kind == .container {
                let path = "\(directory)/containers/\(deployment.name)/Containerfile"
                let text = try containerfile.render(deployment, inputs: inputs, command: ContainerfileBuilder.command(for: deployment))
                plan.steps.append(.writeFile(path: path, contents: text))
                artifacts.append(path)
                let ignore = "\(directory)/containers/\(deployment.name)/Containerfile.ignore"
                plan.steps.append(.writeFile(path: ignore, contents: Self.ignoreFile(projectIgnore: inputs.projectIgnore)))
                artifacts.append(ignore)
                commands = imageCommands(for: deployment, containerfile: path, ignoreFile: ignore)
                for command in commands { plan.steps.append(.run(command, purpose: "image for \(deployment.name)")) }
            }
            entries.append(BuildManifest.Entry(deployment: deployment, artifacts: artifacts, commands: commands))
        }
        if inputs.environment?.target == .swarm {
            let path = "\(directory)/containers/stack.yml"
            plan.steps.append(.writeFile(path: path, contents: try stackFile(selected.filter { $0.kind == .container })))
            for index in entries.indices where entries[index].deployment.kind == .container { entries[index].artifacts.append(path) }
        }
        var manifest = BuildManifest(project: inputs.project, environment: inputs.environmentName,
                                     target: inputs.environment?.target ?? .local, revision: inputs.revision, entries: entries)
        let names = Set(selected.map(\.name))
        manifest.hooks = Hook.recorded(environment: inputs.environment, deployments: inputs.effective.config.deployments.filter { names.contains($0.name) },
                                       redactor: inputs.redactor)
        plan.steps.append(.writeFile(path: "\(directory)/manifest.json", contents: manifest.text))
        return (plan, manifest)
    }

    /// `target: swarm`: the services as a compose-format stack file, labelled with the build's
    /// revision (`crank deploy` applies the same services labelled with the release id).
    func stackFile(_ deployments: [RenderedDeployment]) throws(ContainerfileBuilder.Failure) -> String {
        var services: [SwarmService] = []
        for deployment in deployments {
            do throws(SwarmService.Failure) {
                services.append(try SwarmService(deployment, project: inputs.project, environment: inputs.environmentName, release: inputs.revision.tag))
            } catch {
                if case .secretInEnv(let name, let variable, let secret) = error {
                    throw .unsafeValue(field: "deployments.\(name).env.\(variable) (holds secret \(secret); a Swarm service spec never holds a secret: list it in `secrets:` instead)",
                                       value: "[redacted:\(secret)]")
                }
            }
        }
        return StackFile.render(services, project: inputs.project, environment: inputs.environmentName, release: inputs.revision.tag)
    }

    /// What never goes into an image's build context: crank's own state (live logs, history),
    /// git, the venv and bytecode; then the project's `.containerignore` / `.dockerignore`.
    static func ignoreFile(projectIgnore: String?) -> String {
        var text = "# Generated by crank: kept out of every image's build context.\n.crank\n.git\n.venv\n**/__pycache__\n"
        if let projectIgnore { text += "# From the project's ignore file:\n" + projectIgnore + (projectIgnore.hasSuffix("\n") ? "" : "\n") }
        return text
    }

    /// `podman build -t IMAGE -f FILE --ignorefile IGNORE ROOT` (docker needs the -f too; its
    /// legacy builder reads only the context's `.dockerignore`), then a push when a registry is set.
    func imageCommands(for deployment: RenderedDeployment, containerfile: String, ignoreFile: String) -> [ShellCommand] {
        guard case .string(let image)? = deployment.spec["image"] else { return [] }
        let root = inputs.effective.root
        let ignore = (inputs.engine as NSString).lastPathComponent == "docker" ? [] : ["--ignorefile", root + "/" + ignoreFile]
        var commands = [ShellCommand(inputs.engine, ["build", "-t", image, "-f", root + "/" + containerfile] + ignore + [root])]
        if let registry = inputs.environment?.registry, !registry.isEmpty {
            commands.append(ShellCommand(inputs.engine, ["push", image]))
        }
        return commands
    }
}
