/// `rollout:` of an environment; where it may be written is the validator's concern.
extension ProjectConfigDecoder {
    static let rolloutKeys = ["batch", "canary", "pause"]

    mutating func decodeRollout(_ node: ConfigNode, path: String, into spec: inout EnvironmentSpec) {
        guard let rollout = node["rollout"], rollout.value != .null,
              reader.map(rollout, path: path + ".rollout", keys: Self.rolloutKeys) != nil else { return }
        let key = { (name: String) in path + ".rollout." + name }
        var settings = RolloutSettings()
        settings.batch = reader.int(rollout["batch"], path: key("batch"), range: 1...100_000)
        settings.canary = reader.int(rollout["canary"], path: key("canary"), range: 0...100_000) ?? 0
        if let pause = rollout["pause"], let text = reader.string(pause, path: key("pause")) {
            if let seconds = DurationText.seconds(text), seconds <= 86_400 {
                settings.pause = seconds
            } else {
                reader.issues.append(ConfigIssue(.invalidValue, at: pause.location, path: key("pause"),
                                                 message: "\(key("pause")): '\(text)' is not a duration of 0 to 24h",
                                                 hint: "write it as a duration such as 5s, 500ms or 1m (plain numbers are seconds)"))
            }
        }
        spec.rollout = settings
    }
}
