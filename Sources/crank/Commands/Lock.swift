import ArgumentParser
import DeployCore
import Foundation

extension Crank {
    struct Lock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Inspect or release an environment's deploy lock.", subcommands: [LockStatus.self, LockRelease.self])
    }

    struct LockStatus: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "status", abstract: "Who holds the lock, if anyone.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var environment: EnvironmentOptions

        func run() async throws {
            let terminal = Terminal()
            let session = try ReleaseSession(global: global, environment: environment, terminal: terminal, recorded: true)
            let holder = try await LockCommand.holder(session)
            if global.json {
                try terminal.printJSON(["environment": environment.env, "held_by": holder?.description ?? "", "stale": holder.map { $0.isStale ? "yes" : "no" } ?? "",
                                        "unreadable": holder?.unreadable ?? ""])
            } else {
                terminal.print(holder.map { "\(environment.env) is locked by \($0.description)\($0.isStale ? " (stale)" : "")" } ?? "\(environment.env) is not locked")
            }
        }
    }

    struct LockRelease: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "release", abstract: "Remove a lock (--force for one held by someone else; audited).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var environment: EnvironmentOptions
        @Flag(help: "Release a lock this process does not hold.") var force = false
        @Option(help: ArgumentHelp("Why (required with --force; recorded in the audit log).", valueName: "text")) var reason: String?

        func validate() throws {
            if force && (reason ?? "").isEmpty { throw ValidationError("--force needs --reason") }
        }

        func run() async throws {
            let terminal = Terminal()
            let session = try ReleaseSession(global: global, environment: environment, terminal: terminal, recorded: true)
            guard let holder = try await LockCommand.holder(session) else {
                terminal.print("\(environment.env) is not locked")
                return
            }
            guard force || holder.isStale else {
                terminal.error("\(environment.env) is locked by \(holder.description)",
                               hint: "pass --force --reason '…' if \(holder.unreadable == nil ? "that process is certainly gone" : "no crank is running")")
                throw ExitCode(3)
            }
            await session.lock.release(force: true)
            await session.audit(command: "lock-break", arguments: [holder.description, reason ?? "stale"], outcome: "released", release: nil)
            terminal.print("released the lock held by \(holder.description)")
        }
    }
}

enum LockCommand {
    static func holder(_ session: ReleaseSession) async throws -> DeployLock.Holder? {
        do {
            return try await session.lock.holder()
        } catch .server(let failure) {
            throw session.fail(.prefect(failure))
        } catch {
            session.terminal.error("cannot read the lock: \(error)", hint: "check that .crank/state is readable")
            throw ExitCode(1)
        }
    }
}
