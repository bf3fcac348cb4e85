/// Finds the discovered flow a deployment's `flow:` names: a flow name, or an
/// entrypoint `file:function`.
public enum FlowReference {
    public static func resolve(_ reference: String, in flows: [Flow]) -> Flow? {
        if reference.contains(":") {
            return flows.first { $0.entrypoint == reference }
        }
        return flows.first { $0.name == reference }
    }
}
