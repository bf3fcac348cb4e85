/// Finds the discovered flow a deployment's `flow:` names: a flow name, or an
/// entrypoint `file:function`. A name that several flows share matches none of them:
/// the deployment must pick one by its entrypoint.
public enum FlowReference {
    public enum Match: Equatable, Sendable {
        case found(Flow)
        /// Every flow the reference matches (two or more), in discovery order (file, line).
        case ambiguous([Flow])
        case missing
    }

    public static func match(_ reference: String, in flows: [Flow]) -> Match {
        let matches = reference.contains(":") ? flows.filter { $0.entrypoint == reference } : flows.filter { $0.name == reference }
        switch matches.count {
        case 0: return .missing
        case 1: return .found(matches[0])
        default: return .ambiguous(matches)
        }
    }

    /// The one flow the reference names; nil when it names none or several.
    public static func resolve(_ reference: String, in flows: [Flow]) -> Flow? {
        if case .found(let flow) = match(reference, in: flows) { return flow }
        return nil
    }

    /// `flows/a.py:parametrized (line 3), flows/b.py:parametrized (line 9)`.
    public static func listing(_ candidates: [Flow]) -> String {
        candidates.map { "\($0.entrypoint) (line \($0.line))" }.joined(separator: ", ")
    }

    /// How to pick one of several flows sharing a name.
    public static func pickHint(_ candidates: [Flow]) -> String {
        let example = candidates.first.map { " (e.g. `flow: \($0.entrypoint)`)" } ?? ""
        return "name one by its entrypoint file:function\(example), or give the flows distinct names with @flow(name=…)"
    }
}
