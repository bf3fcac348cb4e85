import Foundation

/// The worker-migration checklist: a shipped YAML template copied per worker, and a
/// done/total summary per section.
public enum MigrationChecklist {
    public static let templateFile = "deployment/worker-migration-checklist.yml"
    public static let directory = "deployment/migrations"

    public struct SectionStatus: Equatable, Sendable, Encodable {
        public var section: String
        public var done: Int
        public var total: Int
    }

    public struct Status: Equatable, Sendable, Encodable {
        public var file: String
        public var worker: String?
        public var sections: [SectionStatus]
        public var done: Int { sections.reduce(0) { $0 + $1.done } }
        public var total: Int { sections.reduce(0) { $0 + $1.total } }
    }

    /// Where `crank checklist new WORKER` writes, relative to the project root.
    public static func path(worker: String, date: Date) -> String {
        "\(directory)/\(worker)-\(day(date)).yml"
    }

    /// The template with `{{WORKER}}` and `{{DATE}}` filled in.
    public static func render(template: String, worker: String, date: Date) -> String {
        template.replacingOccurrences(of: "{{WORKER}}", with: worker).replacingOccurrences(of: "{{DATE}}", with: day(date))
    }

    static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone.current
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// Sections are the top-level lists of `{item, done}` entries, in file order.
    public static func status(of node: ConfigNode, file: String) -> Result<Status, ConfigIssue> {
        guard let entries = node.entries else {
            return .failure(ConfigIssue(.wrongType, at: node.location, path: "", message: "a checklist is a map of sections",
                                        hint: "start from \(templateFile)"))
        }
        var sections: [SectionStatus] = []
        for entry in entries {
            guard case .sequence(let items) = entry.value.value else { continue }
            var done = 0
            for (index, item) in items.enumerated() {
                guard let flag = item["done"] else {
                    return .failure(ConfigIssue(.missingKey, at: item.location, path: "\(entry.key)[\(index)].done",
                                                message: "checklist item has no `done:`", hint: "write `done: false` or `done: true`"))
                }
                guard case .scalar(let text, .bool) = flag.value else {
                    return .failure(ConfigIssue(.wrongType, at: flag.location, path: "\(entry.key)[\(index)].done",
                                                message: "`done` should be true or false (got \(flag.typeName))"))
                }
                if ["true", "yes", "on"].contains(text.lowercased()) { done += 1 }
            }
            sections.append(SectionStatus(section: entry.key, done: done, total: items.count))
        }
        return .success(Status(file: file, worker: node["worker"]?.string, sections: sections))
    }
}
