extension ConfigNode {
    /// `overlay` deep-merged over `self`: maps merge key by key, lists and scalars replace,
    /// and a `null` in the overlay removes the key (Kamal's `deploy.<destination>.yml` rules).
    public func merged(with overlay: ConfigNode) -> ConfigNode {
        guard let baseEntries = entries, let overlayEntries = overlay.entries else { return overlay }
        var result = baseEntries
        for entry in overlayEntries {
            let existing = result.firstIndex { $0.key == entry.key }
            if entry.value.value == .null {
                if let existing { result.remove(at: existing) }
                continue
            }
            if let existing {
                result[existing].value = result[existing].value.merged(with: entry.value)
                result[existing].keyLocation = entry.keyLocation
            } else {
                result.append(entry)
            }
        }
        return ConfigNode(.mapping(result), at: location)
    }

    /// Every leaf value with its dotted path, in document order.
    public func leaves(prefix: String = "") -> [(path: String, node: ConfigNode)] {
        switch value {
        case .mapping(let entries):
            if entries.isEmpty { return [(prefix, self)] }
            return entries.flatMap { $0.value.leaves(prefix: prefix.isEmpty ? $0.key : prefix + "." + $0.key) }
        case .sequence(let items):
            if items.isEmpty { return [(prefix, self)] }
            return items.enumerated().flatMap { $0.element.leaves(prefix: "\(prefix)[\($0.offset)]") }
        default:
            return [(prefix, self)]
        }
    }
}
