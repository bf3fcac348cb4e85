import ArgumentParser
import DeployCore

@main
struct Crank: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crank",
        abstract: "Discover, validate, build and deploy Prefect flows and Python services.",
        discussion: """
            Global options -C/--project-root DIR and --json may also come before the command (crank -C DIR deploy --env dev).

            Exit codes:
              0   success
              1   the operation found problems or failed (results are still printed)
              2   crank plan --detailed-exitcode: there are changes
              3   another crank holds the environment's lock
              64  usage error (unknown command or flag, bad argument)
              125 crank exec could not run the command (otherwise exec exits with the command's status)
            """,
        version: CrankVersion.current,
        subcommands: [Init.self, Discover.self, Validate.self, Config.self, Doctor.self, Checklist.self, Build.self, Plan.self,
                      Deploy.self, Rollback.self, Status.self, History.self, Health.self, Start.self, Stop.self, Restart.self, Reload.self, Clean.self, Smoke.self, Lock.self, Exec.self, Logs.self]
    )

    /// Accepted before the command too (ArgumentNormalizer moves them after it); declared here so
    /// the top-level help lists them and shell completion knows them there.
    @OptionGroup var global: GlobalOptions
}
