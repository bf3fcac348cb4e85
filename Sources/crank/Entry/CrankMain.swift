import ArgumentParser
import DeployCore
import Foundation

/// The entry point: argv as people type it (global options before the command, a mistyped
/// command), parsed by ArgumentParser; usage errors as `error: …` with exit 64; anything a
/// command throws that is not an exit code printed as one line, never as a Swift value.
extension Crank {
    static var _errorPrefix: String { "error: " }

    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let parsed: [String]
        switch ArgumentNormalizer.normalize(arguments, commands: CommandTree(Crank.self)) {
        case .parse(let normalized):
            parsed = normalized
        case .unknownCommand(let word, let path, let known, let suggestion):
            let command = (["crank"] + path).joined(separator: " ")
            let hint = suggestion.map { "did you mean `\(command) \($0)`? " } ?? ""
            Terminal().error("unknown command '\(word)'" + (path.isEmpty ? "" : " for `\(command)`"),
                             hint: "\(hint)commands: \(known.joined(separator: ", ")); `\(command) --help` describes them")
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        var command: ParsableCommand
        do {
            command = try await asyncParseAsRoot(parsed)
        } catch {
            exit(withError: error)
        }
        do {
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            // Help requests (`crank help deploy`), CleanExit and ValidationError: ArgumentParser's to print.
            if exitCode(for: error) != .failure { exit(withError: error) }
            Terminal().error(ErrorText.line(error))
            Foundation.exit(ExitCode.failure.rawValue)
        }
    }
}

/// One line for an error of unknown type: a LocalizedError's text, else its description (every
/// DeployCore failure describes itself in words; see FailureDescriptions.swift).
enum ErrorText {
    static func line(_ error: any Error) -> String {
        if let localized = error as? LocalizedError, let text = localized.errorDescription { return text }
        return String(describing: error)
    }
}
