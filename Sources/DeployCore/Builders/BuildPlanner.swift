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
                commands = imageCommands(for: deployment, containerfile: path)
                for command in commands { plan.steps.append(.run(command, purpose: "image for \(deployment.name)")) }
            }
            entries.append(BuildManifest.Entry(deployment: deployment, artifacts: artifacts, commands: commands))
        }
        let manifest = BuildManifest(project: inputs.project, environment: inputs.environmentName,
                                     target: inputs.environment?.target ?? .local, revision: inputs.revision, entries: entries)
        plan.steps.append(.writeFile(path: "\(directory)/manifest.json", contents: manifest.text))
        return (plan, manifest)
    }

    /// `podman build -t IMAGE -f FILE ROOT` (docker needs the -f too), then a push when a registry is set.
    func imageCommands(for deployment: RenderedDeployment, containerfile: String) -> [ShellCommand] {
        guard case .string(let image)? = deployment.spec["image"] else { return [] }
        let root = inputs.effective.root
        var commands = [ShellCommand(inputs.engine, ["build", "-t", image, "-f", root + "/" + containerfile, root])]
        if let registry = inputs.environment?.registry, !registry.isEmpty {
            commands.append(ShellCommand(inputs.engine, ["push", image]))
        }
        return commands
    }
}
