import ArgumentParser

/// The names of crank's commands and their subcommands, as typed on the command line.
struct CommandTree {
    var children: [String: CommandTree]

    init(_ command: ParsableCommand.Type) {
        var children: [String: CommandTree] = [:]
        for subcommand in command.configuration.subcommands {
            children[subcommand._commandName] = CommandTree(subcommand)
        }
        self.children = children
    }

    init(children: [String: CommandTree]) {
        self.children = children
    }

    var names: [String] { children.keys.sorted() }
}
