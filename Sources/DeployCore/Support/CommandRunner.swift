import Foundation

/// A command as data: what builders return and the executor (or doctor) runs.
public struct ShellCommand: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]?
    public var workingDirectory: String?
    /// Bytes fed to the program's stdin (nil: stdin is /dev/null). Never part of `description`,
    /// so data passed this way (a key, a secret file) stays out of argv, logs and plans.
    public var input: Data?

    public init(_ executable: String, _ arguments: [String] = [], environment: [String: String]? = nil,
                workingDirectory: String? = nil, input: Data? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.input = input
    }

    public var description: String {
        ([executable] + arguments).map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
    }
}

public struct CommandResult: Equatable, Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var timedOut = false

    public init(status: Int32, stdout: String, stderr: String, timedOut: Bool = false) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.timedOut = timedOut
    }
}

/// The seam every side effect that runs a program goes through.
public protocol CommandRunner: Sendable {
    func run(_ command: ShellCommand, timeout: TimeInterval) -> CommandResult
}

/// Runs real processes (Foundation `Process`), killing them after `timeout`. A bare
/// executable name (`podman`) is looked up on PATH, as a shell would.
public struct ProcessCommandRunner: CommandRunner {
    public init() {}

    public func run(_ command: ShellCommand, timeout: TimeInterval) -> CommandResult {
        let process = Process()
        let searchPath = command.environment?["PATH"] ?? ProcessInfo.processInfo.environment["PATH"]
        guard let executable = ExecutableLocator.find(command.executable, path: searchPath) else {
            return CommandResult(status: 127, stdout: "", stderr: "\(command.executable): not found on PATH")
        }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = command.arguments
        if let environment = command.environment { process.environment = environment }
        if let directory = command.workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let input = command.input.map { _ in Pipe() }
        process.standardInput = input ?? FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            return CommandResult(status: 127, stdout: "", stderr: "cannot run \(command.executable): \(error.localizedDescription)")
        }
        if let input, let data = command.input { StdinFeeder.feed(data, to: input) }
        let collected = OutputCollector()
        let group = DispatchGroup()
        for (pipe, isStdout) in [(out, true), (err, false)] {
            group.enter()
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                collected.store(data, stdout: isStdout)
                group.leave()
            }
        }
        let timedOut = group.wait(timeout: .now() + timeout) == .timedOut
        if timedOut {
            process.terminate()
            _ = group.wait(timeout: .now() + 2)
        }
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, stdout: collected.stdout, stderr: collected.stderr, timedOut: timedOut)
    }
}

/// Writes a command's input to its stdin pipe on a thread of its own (a large input must not
/// block while the program fills its output pipes), then closes it so the program sees EOF.
/// The thread blocks SIGPIPE: a program that exits without reading everything makes the write
/// fail with EPIPE instead of killing crank, and the pending signal dies with the thread.
enum StdinFeeder {
    static func feed(_ data: Data, to pipe: Pipe) {
        let handle = pipe.fileHandleForWriting
        Thread.detachNewThread {
            var blocked = sigset_t()
            sigemptyset(&blocked)
            sigaddset(&blocked, SIGPIPE)
            pthread_sigmask(SIG_BLOCK, &blocked, nil)
            try? handle.write(contentsOf: data)
            try? handle.close()
        }
    }
}

private final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()

    func store(_ data: Data, stdout: Bool) {
        lock.lock()
        if stdout { out = data } else { err = data }
        lock.unlock()
    }

    var stdout: String { lock.lock(); defer { lock.unlock() }; return String(decoding: out, as: UTF8.self) }
    var stderr: String { lock.lock(); defer { lock.unlock() }; return String(decoding: err, as: UTF8.self) }
}

/// Finds executables on a PATH string, as a shell would.
public enum ExecutableLocator {
    public static func find(_ name: String, path: String?) -> String? {
        if name.contains("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        for directory in (path ?? "").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }
}
