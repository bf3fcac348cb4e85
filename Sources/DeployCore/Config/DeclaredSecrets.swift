/// Which variables are secrets: every name a `secrets:` list (of a deployment or a template),
/// an `environments.<env>.prefect.api_key_secret` or an `environments.<env>.ssh.identity_secret`
/// gives, in crank.yaml or in any overlay — project-wide, so an environment that drops a
/// deployment still knows its secret's name. Nothing else is guessed from a name's spelling.
extension ConfigLoader {
    func declaredSecrets(base: ConfigNode) -> Set<String> {
        var trees = [base]
        for name in environmentNames(base: base) {
            let file = Self.overlayDirectory + "/" + name + ".yaml"
            if case .success(let overlay?) = YAMLFileLoader.load(path: root + "/" + file, displayPath: file) { trees.append(overlay) }
        }
        return Set(trees.flatMap(Self.secretNames(in:)))
    }

    static func secretNames(in tree: ConfigNode) -> [String] {
        var names: [String] = []
        for section in ["deployments", "templates"] {
            for entry in tree[section]?.entries ?? [] {
                if case .sequence(let items)? = entry.value["secrets"]?.value { names += items.compactMap(\.string) }
            }
        }
        for entry in tree["environments"]?.entries ?? [] {
            if let name = entry.value["prefect"]?["api_key_secret"]?.string { names.append(name) }
            if let name = entry.value["ssh"]?["identity_secret"]?.string { names.append(name) }
        }
        return names
    }
}
