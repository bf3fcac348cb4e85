/// Schedules, pull steps and the settings crank has fixed values for.
extension PrefectYAMLReader {
    /// `schedules:` (or the older `schedule:`): crank keeps one cron or interval schedule.
    mutating func schedule(_ node: ConfigNode, path: String) -> Schedule? {
        var items: [(ConfigNode, String)] = []
        if let list = node["schedules"], list.value != .null {
            guard case .sequence(let entries) = list.value else { error(list, path + ".schedules", "\(path).schedules: should be a list", hint: nil); return nil }
            items = entries.enumerated().map { ($0.element, "\(path).schedules[\($0.offset)]") }
        }
        if let single = node["schedule"], single.value != .null { items.append((single, path + ".schedule")) }
        guard let (item, itemPath) = items.first else { return nil }
        if items.count > 1 {
            error(items[1].0, items[1].1, "deployment has \(items.count) schedules; crank keeps one schedule per deployment",
                  hint: "split it into one crank deployment per schedule (same flow, a `name:` each), or keep one schedule")
        }
        for (each, eachPath) in items { scheduleChecks(each, path: eachPath) }
        guard item.entries != nil else { return nil }
        var schedule = Schedule(cron: text(item["cron"], itemPath + ".cron"), timezone: text(item["timezone"], itemPath + ".timezone"))
        if let interval = item["interval"], interval.value != .null {
            switch interval.json {
            case .int(let seconds) where (1...31_622_400).contains(seconds): schedule.interval = seconds
            case .double(let seconds) where seconds == seconds.rounded() && (1...31_622_400).contains(seconds): schedule.interval = Int(seconds)
            default: error(interval, itemPath + ".interval", "interval \(interval.string ?? interval.typeName) is not a whole number of seconds from 1 to 31622400", hint: "write the interval in whole seconds")
            }
        }
        guard schedule.cron != nil || schedule.interval != nil else { return nil }
        return schedule
    }

    /// What one schedule entry has that crank cannot carry (every entry is checked, so one run lists all).
    mutating func scheduleChecks(_ item: ConfigNode, path itemPath: String) {
        guard let entries = item.entries else { error(item, itemPath, "\(itemPath): should be a map", hint: nil); return }
        unknownKeys(entries, allowed: Self.scheduleKeys, path: itemPath)
        if item["rrule"].map({ $0.value != .null }) == true {
            error(item["rrule"]!, itemPath + ".rrule", "crank has no rrule schedules (cron or interval only)",
                  hint: "rewrite it as a cron expression, or keep this deployment in Prefect for now")
        }
        for key in ["anchor_date", "parameters", "slug", "max_active_runs", "catchup", "replaces"] {
            if let value = item[key], value.value != .null {
                error(value, itemPath + "." + key, "crank cannot carry a schedule's `\(key)`", hint: "remove it from the schedule (for parameters: set them on the deployment)")
            }
        }
        if let active = item["active"], active.json == .bool(false) {
            error(active, itemPath + ".active", "crank registers schedules active; an inactive schedule cannot be imported",
                  hint: "remove the schedule, or set active: true and pause it after deploying with `crank stop`")
        }
        if let dayOr = item["day_or"], dayOr.json == .bool(false) {
            error(dayOr, itemPath + ".day_or", "crank's cron schedules combine day fields with OR (day_or: true)", hint: "remove day_or: false or rewrite the schedule")
        }
    }

    /// A list of one-key maps (step → arguments), kept as data; `${` escaped for crank.
    /// `translate`: a deployment's own steps, whose `{{ $VAR }}` `prefect deploy` fills in when it
    /// registers (the file-wide `pull:` it copies as written).
    mutating func pullSteps(_ node: ConfigNode, path: String, translate: Bool = false) -> [JSONValue]? {
        guard case .sequence(let items) = node.value else { error(node, path, "\(path): should be a list of steps", hint: nil); return nil }
        var steps: [JSONValue] = []
        for (index, item) in items.enumerated() {
            guard let entries = item.entries, entries.count == 1 else {
                error(item, "\(path)[\(index)]", "\(path)[\(index)]: a pull step is a one-key map (the step's function → its arguments)", hint: nil)
                continue
            }
            steps.append(PrefectTemplateText.crankValue(item.json, translate: translate))
        }
        return steps
    }

    /// One `set_working_directory` → `working_directory:` (moved up to the project root for a
    /// prefect.yaml in a subdirectory); any other steps → `pull:` as they are.
    mutating func placePull(_ pull: [JSONValue]?, node: ConfigNode, path: String, into deployment: inout ImportedDeployment) {
        guard let pull else {
            warning(node, path + ".pull", "deployment '\(deployment.name)' has no pull steps; crank registers it with set_working_directory to the project root",
                    hint: "add `working_directory:` (or `pull:`) to the crank deployment if the worker runs it elsewhere")
            return
        }
        let step = PrefectDeploymentFields.setWorkingDirectoryStep
        if pull.count == 1, case .object(let only) = pull[0], case .object(let arguments)? = only[step],
           arguments.count == 1, case .string(let directory)? = arguments["directory"] {
            let suffix = "/" + self.directory
            if self.directory.isEmpty {
                deployment.workingDirectory = directory
            } else if directory.hasSuffix(suffix) || directory.hasSuffix(suffix + "/") {
                let trimmed = String(directory.hasSuffix("/") ? directory.dropLast() : Substring(directory)).dropLast(suffix.count)
                deployment.workingDirectory = trimmed.isEmpty ? "/" : String(trimmed)
            } else {
                deployment.workingDirectory = directory
                subdirectoryWarning(node, path: path, deployment: deployment)
            }
            return
        }
        deployment.pullSteps = pull
        if !self.directory.isEmpty { subdirectoryWarning(node, path: path, deployment: deployment) }
    }

    mutating func subdirectoryWarning(_ node: ConfigNode, path: String, deployment: ImportedDeployment) {
        warning(node, path + ".pull", "entrypoint '\(deployment.entrypoint)' is now relative to the project root, not to \(directory)/",
                hint: "check that the pull steps leave the worker in the project root (the directory above \(directory)/)")
    }

    /// Settings crank fixes: different values are named, never dropped silently.
    mutating func defaults(_ node: ConfigNode, path: String, deployment: ImportedDeployment) {
        if let enforce = node["enforce_parameter_schema"], enforce.json == .bool(false) {
            warning(enforce, path + ".enforce_parameter_schema", "crank always registers enforce_parameter_schema: true", hint: "runs with parameters that do not match the flow's signature will be refused")
        }
        if let paused = node["paused"], paused.json == .bool(true) {
            warning(paused, path + ".paused", "crank does not register paused deployments", hint: "after deploying, pause it with `crank stop --env ENV NAME`")
        }
        if let schema = node["parameter_openapi_schema"], schema.value != .null {
            warning(schema, path + ".parameter_openapi_schema", "crank generates the parameter schema from the flow's signature; the written one is not kept", hint: nil)
        }
        for key in ["build", "push"] {
            if let value = node[key], value.value != .null, value.value != .sequence([]) {
                warning(value, path + "." + key, "crank does not run Prefect's \(key) steps", hint: "remove them after checking nothing depends on them")
            }
        }
        if let limit = node["concurrency_limit"], limit.value != .null {
            error(limit, path + ".concurrency_limit", "crank cannot set a deployment's concurrency limit", hint: "remove it, or set it in the Prefect UI after deploying")
        }
        if let triggers = node["triggers"], triggers.value != .null, triggers.value != .sequence([]) {
            error(triggers, path + ".triggers", "crank does not register triggers (automations)", hint: "remove them here and keep them as Prefect automations")
        }
    }
}
