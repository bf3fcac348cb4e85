import ArgumentParser
import DeployCore
import Foundation

extension Crank {
    struct Config: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "config",
            abstract: "Show the effective config of an environment, with the file and line each value came from.",
            discussion: "Secret values are redacted. Exits 1 when the config has errors.")

        @OptionGroup var global: GlobalOptions

        @Option(name: .long, help: "Environment whose overlay is merged in.")
        var env: String

        func run() async throws {
            let root = global.resolvedRoot()
            let environment = ProcessInfo.processInfo.environment
            let (effective, issues) = ConfigLoader(root: root, processEnvironment: environment).load(environment: env)
            let terminal = Terminal()
            guard let effective, !issues.contains(where: { $0.severity == .error }) else {
                terminal.report(issues)
                terminal.note("fix these and run again; `crank validate --env \(env)` checks everything")
                throw ExitCode(1)
            }
            let secretNames = effective.config.deployments.flatMap(\.secrets)
            let redactor = SecretStore.load(root: root, environment: env, processEnvironment: environment).redactor(for: secretNames)
            let listing = ConfigListing(effective: effective, redactor: redactor)
            if global.json {
                try terminal.printJSON(listing)
            } else {
                let rows = listing.values.map { [$0.path, "= " + ConfigValueText.render($0.value), "# " + $0.source] }
                terminal.print(TextTable.render(rows))
                terminal.note("environment \(env): \(listing.layers.joined(separator: " + "))")
            }
        }
    }
}

/// One-line YAML-ish rendering of a value.
enum ConfigValueText {
    static func render(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return "\"\(text)\""
        case .int(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return String(flag)
        case .null: return "null"
        case .array(let items): return "[" + items.map(render).joined(separator: ", ") + "]"
        case .object(let object): return "{" + object.keys.sorted().map { "\($0): \(render(object[$0]!))" }.joined(separator: ", ") + "}"
        }
    }
}
