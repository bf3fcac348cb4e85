import CrankTestSupport
import Foundation
@testable import DeployCore

/// A copy of a fixture under Tests/crankTests/Fixtures/prefect-import/ in a temporary folder.
func importFixture(_ name: String) throws -> TemporaryTree {
    let tree = try TemporaryTree()
    let source = Checkout.root + "/Tests/crankTests/Fixtures/prefect-import/" + name
    for item in try FileManager.default.contentsOfDirectory(atPath: source) {
        try FileManager.default.copyItem(atPath: source + "/" + item, toPath: tree.path(item))
    }
    return tree
}

/// `crank init --from …` then `crank build --env prod`, in memory: the rebuilt prefect.yaml's path.
func importAndRebuild(_ tree: TemporaryTree, from sources: [String], environment: [String: String] = [:]) throws -> (crankYAML: String, prefectYAML: String) {
    let result = ProjectInit.run(root: tree.root, sources: sources.map(tree.path))
    guard let text = result.text else { throw TestFailure("import failed: \(result.issues)") }
    try tree.write("crank.yaml", text)
    let validation = ProjectValidation.run(root: tree.root, environment: CrankYAMLBuilder.importedEnvironment, processEnvironment: environment)
    let errors = validation.issues.filter { $0.severity == .error }
    guard errors.isEmpty else { throw TestFailure("the imported crank.yaml does not validate: \(errors)\n\(text)") }
    let (effective, issues) = ConfigLoader(root: tree.root, processEnvironment: environment).load(environment: CrankYAMLBuilder.importedEnvironment)
    guard let effective, issues.isEmpty else { throw TestFailure("config issues: \(issues)") }
    let inputs = BuildInputs(effective: effective, flows: FlowDiscovery.discover(for: effective).flows,
                             revision: SourceRevision(gitSHA: "0123456789abcdef0123", dirty: false, contentHash: nil),
                             secrets: SecretStore(values: [:]), fingerprint: SecretFingerprint(key: Array(repeating: 7, count: 32)), engine: "podman")
    let rendered = try DeploymentRenderer(inputs: inputs).render()
    let rebuilt = PrefectYAMLBuilder.render(rendered.filter { $0.role == .flow }, inputs: inputs)
    try tree.write("rebuilt-prefect.yaml", rebuilt)
    return (text, tree.path("rebuilt-prefect.yaml"))
}
