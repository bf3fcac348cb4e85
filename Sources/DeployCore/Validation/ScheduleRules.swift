import Foundation

/// A schedule has exactly one of cron / interval; cron must parse; the timezone must exist.
enum ScheduleRules {
    static func check(_ schedule: Schedule, path: String, location: (String) -> SourceLocation?) -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        switch (schedule.cron, schedule.interval) {
        case (nil, nil):
            issues.append(ConfigIssue(.invalidSchedule, at: location(path), path: path,
                                      message: "schedule has neither `cron:` nor `interval:`",
                                      hint: "write `cron: \"0 6 * * *\"` or `interval: 3600` (seconds)"))
        case (.some, .some):
            issues.append(ConfigIssue(.invalidSchedule, at: location(path), path: path,
                                      message: "schedule has both `cron:` and `interval:`", hint: "keep one of them"))
        case (.some(let cron), nil):
            if let problem = CronExpression.problem(in: cron) {
                issues.append(ConfigIssue(.invalidCron, at: location(path + ".cron"), path: path + ".cron",
                                          message: "invalid cron expression '\(cron)': \(problem)",
                                          hint: "five fields: minute hour day-of-month month day-of-week, e.g. \"0 6 * * 1-5\""))
            }
        default:
            break
        }
        if let zone = schedule.timezone, TimeZone(identifier: zone) == nil {
            issues.append(ConfigIssue(.invalidSchedule, at: location(path + ".timezone"), path: path + ".timezone",
                                      message: "unknown timezone '\(zone)'", hint: "use an IANA name such as Europe/Berlin or UTC"))
        }
        return issues
    }
}
