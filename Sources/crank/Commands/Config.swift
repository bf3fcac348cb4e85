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

        @OptionGroup var environment: EnvironmentOptions

        func run() async throws {
            let terminal = Terminal()
            let effective = try environment.loadEffective(global: global, terminal: terminal)
            let env = environment.env
            let secretNames = effective.config.deployments.flatMap(\.secrets)
            let redactor = SecretStore.load(root: effective.root, environment: env, processEnvironment: ProcessInfo.processInfo.environment)
                .redactor(for: secretNames)
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
