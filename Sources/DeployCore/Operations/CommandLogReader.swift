import Foundation

/// A program whose output is a deployment's log (`podman logs`, `ssh HOST sh -c 'tail …'`,
/// `docker service logs`): stdout and stderr lines as they come.
enum CommandLogReader {
    static func read(deployment: String, host: String?, command: ShellCommand, alive: ShellCommand?, nodePrefix: Bool,
                     stop: LogStop, deliver: @escaping @Sendable ([LogLine]) -> Void) -> OperationFailure? {
        let path = command.environment?["PATH"] ?? ProcessInfo.processInfo.environment["PATH"]
        guard let executable = ExecutableLocator.find(command.executable, path: path) else {
            return .command("\(command.executable): not found on PATH")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = command.arguments
        if let environment = command.environment { process.environment = environment }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return .command("cannot run \(command.executable): \(error.localizedDescription)") }
        guard stop.track(process) else { process.waitUntilExit(); return nil }
        let lastError = LastLine()
        let group = DispatchGroup()
        for (pipe, isError) in [(out, false), (err, true)] {
            group.enter()
            Thread {
                var splitter = LineSplitter()
                while true {
                    let chunk = pipe.fileHandleForReading.availableData
                    let lines = chunk.isEmpty ? splitter.rest() : splitter.lines(chunk)
                    if isError, let last = lines.last { lastError.set(last) }
                    deliver(lines.map { line(deployment: deployment, host: host, text: $0, nodePrefix: nodePrefix) })
                    if chunk.isEmpty { break }
                }
                group.leave()
            }.start()
        }
        let ended = EndedByUs()
        if let alive {
            Thread {
                while process.isRunning {
                    if stop.wait(2) { return }
                    let answer = ProcessCommandRunner().run(alive, timeout: 20)
                    if answer.status == 0, stoppedReplicas(answer.stdout) {
                        // The last lines need a moment to come through.
                        _ = stop.wait(1)
                        ended.set()
                        if process.isRunning { process.terminate() }
                        return
                    }
                }
            }.start()
        }
        group.wait()
        process.waitUntilExit()
        if process.terminationStatus != 0, !stop.isRequested, !ended.value {
            return .command("`\(command.executable) \(command.arguments.prefix(2).joined(separator: " "))` for \(deployment)\(host.map { "@\($0)" } ?? "") exited \(process.terminationStatus): \(lastError.value)")
        }
        return nil
    }

    /// `docker service ls --format {{.Replicas}}`: nothing left running (`0/0`, or no service).
    static func stoppedReplicas(_ output: String) -> Bool {
        let text = output.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty || text.hasPrefix("0/")
    }

    /// A line of `docker service logs --no-task-ids`: `SERVICE.N@NODE    | text`; the node is its host.
    static func line(deployment: String, host: String?, text: String, nodePrefix: Bool) -> LogLine {
        guard nodePrefix, let bar = text.range(of: " | ") else { return LogLine(deployment: deployment, host: host, line: text) }
        let task = text[..<bar.lowerBound].trimmingCharacters(in: .whitespaces)
        let node = task.split(separator: "@", maxSplits: 1).dropFirst().first.map(String.init)
        return LogLine(deployment: deployment, host: node ?? host, line: String(text[bar.upperBound...]))
    }
}

private final class LastLine: @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    func set(_ value: String) { lock.lock(); text = value; lock.unlock() }
    var value: String { lock.lock(); defer { lock.unlock() }; return text }
}

private final class EndedByUs: @unchecked Sendable {
    private let lock = NSLock()
    private var ended = false
    func set() { lock.lock(); ended = true; lock.unlock() }
    var value: Bool { lock.lock(); defer { lock.unlock() }; return ended }
}
