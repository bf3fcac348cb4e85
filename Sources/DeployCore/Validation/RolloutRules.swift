/// `rollout:` (batches and canary of a deploy to hosts) only means something with `hosts:`;
/// its values are range-checked by the decoder.
extension ProjectValidator {
    func rolloutChecks() -> [ConfigIssue] {
        guard let spec = currentEnvironment, spec.rollout != nil, !spec.hasHosts else { return [] }
        let path = ConfigKeys.path(["environments", spec.name, "rollout"])
        return [ConfigIssue(.invalidPlacement, at: effective.keyLocation(path), path: path,
                            message: "environment '\(spec.name)' runs on this machine (it has no hosts): there is nothing to roll out in batches",
                            hint: "remove `rollout:` from environments.\(spec.name) (for this environment only: `rollout: null` in \(ConfigLoader.overlayDirectory)/\(spec.name).yaml), or add `hosts:`")]
    }
}
