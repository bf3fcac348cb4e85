/// Validates standard 5-field cron expressions as Prefect's croniter accepts them:
/// minute hour day-of-month month day-of-week; `*`, lists, ranges, steps, month and
/// weekday names, and the `@hourly`/`@daily`/`@weekly`/`@monthly`/`@yearly` macros.
public enum CronExpression {
    static let fields: [(name: String, range: ClosedRange<Int>, names: [String])] = [
        ("minute", 0...59, []),
        ("hour", 0...23, []),
        ("day of month", 1...31, []),
        ("month", 1...12, ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]),
        ("day of week", 0...7, ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]),
    ]
    static let macros: Set<String> = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]

    /// nil when valid, else what is wrong.
    public static func problem(in expression: String) -> String? {
        let trimmed = expression.trimmingWhitespace()
        if trimmed.hasPrefix("@") {
            return macros.contains(trimmed.lowercased()) ? nil : "unknown macro '\(trimmed)'"
        }
        let parts = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard parts.count == 5 else { return "expected 5 fields (minute hour day-of-month month day-of-week), found \(parts.count)" }
        for (part, field) in zip(parts, fields) {
            if let problem = fieldProblem(part, field.range, field.names) { return "\(field.name) field '\(part)': \(problem)" }
        }
        return nil
    }

    static func fieldProblem(_ text: String, _ range: ClosedRange<Int>, _ names: [String]) -> String? {
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = item.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { return "more than one '/'" }
            if pieces.count == 2 {
                guard let step = Int(pieces[1]), step > 0 else { return "step '\(pieces[1])' is not a positive number" }
            }
            let base = pieces[0]
            if base == "*" { continue }
            let bounds = base.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count <= 2 else { return "'\(base)' is not a value or range" }
            var values: [Int] = []
            for bound in bounds {
                guard let value = Int(bound) ?? names.firstIndex(of: bound.lowercased()).map({ $0 + range.lowerBound }) else {
                    return "'\(bound)' is not a number\(names.isEmpty ? "" : " or name")"
                }
                guard range.contains(value) else { return "\(value) is outside \(range.lowerBound)–\(range.upperBound)" }
                values.append(value)
            }
            if values.count == 2 && values[0] > values[1] { return "range \(values[0])-\(values[1]) is backwards" }
        }
        return nil
    }
}
