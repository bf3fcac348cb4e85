/// A flow deployment's `name:`, `version:`, `job_variables:`, `working_directory:` and `pull:`.
/// Where they may be written (flows only, not both pull forms) is the validator's to say.
extension ProjectConfigDecoder {
    static let prefectDeploymentKeys = ["name", "version", "job_variables", "working_directory", "pull"]

    mutating func decodePrefectFields(_ node: ConfigNode, path: String, into spec: inout DeploymentSpec) {
        let key = { (name: String) in ConfigReader.join(path, name) }
        var fields = PrefectDeploymentFields()
        fields.name = reader.string(node["name"], path: key("name"))
        fields.version = reader.string(node["version"], path: key("version"))
        fields.workingDirectory = reader.string(node["working_directory"], path: key("working_directory"))
        if let variables = node["job_variables"], variables.value != .null {
            if case .object(let object) = variables.json, variables.entries != nil {
                fields.jobVariables = object
            } else {
                reader.wrongType(variables, path: key("job_variables"), expected: "a map of job variable names to values")
            }
        }
        if let pull = node["pull"], pull.value != .null {
            if case .sequence(let steps) = pull.value {
                fields.pullSteps = []
                for (index, step) in steps.enumerated() {
                    guard let entries = step.entries, entries.count == 1 else {
                        reader.wrongType(step, path: "\(key("pull"))[\(index)]", expected: "a one-key map: the step's function, then its arguments (prefect.deployments.steps.git_clone: {repository: …})")
                        continue
                    }
                    fields.pullSteps?.append(step.json)
                }
            } else {
                reader.wrongType(pull, path: key("pull"), expected: "a list of pull steps")
            }
        }
        spec.prefect = fields
    }
}
