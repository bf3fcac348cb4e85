import ArgumentParser
import DeployCore

@main
struct Crank: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crank",
        abstract: "Discover, validate, build and deploy Prefect flows and Python services.",
        version: CrankVersion.current,
        subcommands: []
    )
}
