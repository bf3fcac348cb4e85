/// The names a shell completes on crank's command line, read from a project's config: its
/// environments and deployments. Never fails: from a config with errors it gives what it can read.
public enum ProjectNames {
    /// Environments declared in crank.yaml plus those with an overlay file, sorted.
    public static func environments(root: String) -> [String] {
        let loader = ConfigLoader(root: root)
        return loader.environmentNames(base: base(root: root))
    }

    /// The deployments of `environment` (its overlay applied) when that loads, else those
    /// written in crank.yaml; sorted.
    public static func deployments(root: String, environment: String?) -> [String] {
        if let environment, case (let effective?, _) = ConfigLoader(root: root).load(environment: environment) {
            return effective.config.deployments.map(\.name).sorted()
        }
        return (base(root: root)?["deployments"]?.entries?.map(\.key) ?? []).sorted()
    }

    static func base(root: String) -> ConfigNode? {
        let file = ProjectRoot.configFileName
        guard case .success(let node?) = YAMLFileLoader.load(path: root + "/" + file, displayPath: file) else { return nil }
        return node
    }
}
