import Foundation
import Yams

/// What Prefect would register from a prefect.yaml, deployment by deployment, read with Yams
/// (anchors, aliases and `<<:` merge keys resolved by Yams itself, not by crank's importer)
/// and normalised to Prefect's defaults, so an original and a rebuilt file can be compared.
public enum PrefectYAMLEquivalence {
    /// crank's own tags, which a rebuilt file adds.
    static func isCrankTag(_ tag: String) -> Bool { tag == "crank" || tag.hasPrefix("crank-env:") || tag.hasPrefix("crank-project:") }

    /// Deployments keyed by `<root-relative entrypoint>/<name>`; each field as canonical JSON.
    /// - Parameters:
    ///   - directory: the file's directory relative to the project root ("" at the root).
    ///   - environment: values for `{{ $VAR }}` placeholders (resolved as `prefect deploy` does).
    public static func deployments(ofFile path: String, directory: String = "", environment: [String: String] = [:]) throws -> [String: [String: String]] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let document = try Yams.load(yaml: text) as? [String: Any], let list = document["deployments"] as? [[String: Any]] else {
            throw NSError(domain: "PrefectYAMLEquivalence", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(path): no deployments list"])
        }
        let sharedPull = document["pull"] as? [Any]
        var result: [String: [String: String]] = [:]
        for raw in list {
            // A deployment's own pull steps are templated by `prefect deploy`; the file-wide ones are not.
            let pull = (raw["pull"] as? [Any]).map { resolve($0, environment) as! [Any] } ?? sharedPull ?? []
            let deployment = resolve(raw.filter { $0.key != "pull" }, environment) as! [String: Any]
            let name = deployment["name"] as? String ?? ""
            var entrypoint = deployment["entrypoint"] as? String ?? ""
            while entrypoint.hasPrefix("./") { entrypoint.removeFirst(2) }
            let rooted = directory.isEmpty ? entrypoint : directory + "/" + entrypoint
            var fields: [String: String] = [:]
            // Where the flow's file is on the worker: a single set_working_directory joined with the
            // entrypoint; any other pull steps compared as they are.
            if pull.count == 1, let step = pull[0] as? [String: Any], let arguments = step["prefect.deployments.steps.set_working_directory"] as? [String: Any],
               let workingDirectory = arguments["directory"] as? String {
                fields["code"] = json(workingDirectory + "/" + entrypoint)
            } else {
                fields["code"] = json(["pull": pull, "entrypoint": rooted])
            }
            fields["parameters"] = json(deployment["parameters"] ?? [String: Any]())
            fields["tags"] = json(((deployment["tags"] as? [String]) ?? []).filter { !isCrankTag($0) }.sorted())
            fields["description"] = json(deployment["description"] ?? NSNull())
            fields["version"] = json(deployment["version"] ?? NSNull())
            let pool = deployment["work_pool"] as? [String: Any] ?? [:]
            fields["work_pool"] = json(pool["name"] ?? NSNull())
            fields["work_queue_name"] = json(pool["work_queue_name"] ?? "default")
            fields["job_variables"] = json(pool["job_variables"] ?? [String: Any]())
            var schedules = (deployment["schedules"] as? [[String: Any]]) ?? []
            if let single = deployment["schedule"] as? [String: Any] { schedules.append(single) }
            fields["schedules"] = json(schedules.map { schedule -> [String: Any] in
                var normalized = schedule.filter { !($0.value is NSNull) }
                normalized["timezone"] = normalized["timezone"] ?? "UTC"
                normalized["active"] = normalized["active"] ?? true
                if let seconds = schedule["interval"] as? Double { normalized["interval"] = Int(seconds) }
                return normalized
            })
            fields["enforce_parameter_schema"] = json(deployment["enforce_parameter_schema"] ?? true)
            result[rooted + "/" + name] = fields
        }
        return result
    }

    /// Differences between `original` and `rebuilt` (a version only when the original sets one).
    public static func differences(original: [String: [String: String]], rebuilt: [String: [String: String]]) -> [String] {
        var problems: [String] = []
        for key in Set(original.keys).union(rebuilt.keys).sorted() {
            guard let before = original[key] else { problems.append("\(key): only in the rebuilt file"); continue }
            guard let after = rebuilt[key] else { problems.append("\(key): missing from the rebuilt file"); continue }
            for field in before.keys.sorted() where before[field] != after[field] {
                if field == "version" && before[field] == "null" { continue }
                problems.append("\(key).\(field): \(before[field]!) → \(after[field] ?? "absent")")
            }
        }
        return problems
    }

    static func resolve(_ value: Any, _ environment: [String: String]) -> Any {
        switch value {
        case let text as String:
            var output = text
            for (name, replacement) in environment {
                for form in ["{{ $\(name) }}", "{{$\(name)}}"] { output = output.replacingOccurrences(of: form, with: replacement) }
            }
            return output
        case let list as [Any]: return list.map { resolve($0, environment) }
        case let map as [String: Any]: return map.mapValues { resolve($0, environment) }
        default: return value
        }
    }

    static func json(_ value: Any) -> String {
        if let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]) {
            return String(decoding: data, as: UTF8.self)
        }
        return "\(value)"
    }
}
