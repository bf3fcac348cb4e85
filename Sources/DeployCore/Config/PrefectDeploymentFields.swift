/// The Prefect fields of a flow deployment that users of `prefect.yaml` already rely on:
/// a deployment name other than the config key, job variables, pull steps and a fixed version.
/// Values are kept as data (JSON), never as text templates.
public struct PrefectDeploymentFields: Equatable, Sendable {
    /// `name:` — the deployment's name in Prefect (`<flow>/<name>`); default the config key.
    public var name: String?
    /// `version:` — the version registered instead of the release id / build tag.
    public var version: String?
    /// `job_variables:` — merged under the variables crank sets (`env`, `image`).
    public var jobVariables: [String: JSONValue] = [:]
    /// `working_directory:` — shorthand for one `set_working_directory` pull step.
    public var workingDirectory: String?
    /// `pull:` — the pull steps as written (each a one-key map: step → its arguments).
    public var pullSteps: [JSONValue]?

    public init() {}

    public var isEmpty: Bool { self == PrefectDeploymentFields() }

    /// The pull steps a deployment registers, or nil for crank's default.
    public var effectivePullSteps: [JSONValue]? {
        if let pullSteps { return pullSteps }
        return workingDirectory.map { [PrefectDeploymentFields.setWorkingDirectory($0)] }
    }

    public static let setWorkingDirectoryStep = "prefect.deployments.steps.set_working_directory"

    public static func setWorkingDirectory(_ directory: String) -> JSONValue {
        .object([setWorkingDirectoryStep: .object(["directory": .string(directory)])])
    }
}
