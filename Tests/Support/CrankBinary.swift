import Foundation

/// What a finished process left behind.
public struct ProcessOutput: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    /// stdout parsed as one JSON object (fails the test loudly when it is not).
    public func jsonObject() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] else {
            throw TestFailure("stdout is not a JSON object: \(stdout.prefix(300))")
        }
        return object
    }
}

public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Runs real executables: the built `crank` binary, Python, `script` for a TTY.
public enum ProcessRunner {
    /// The built binary: `CRANK_BIN`, else `.build/debug/crank` in the checkout.
    public static var crankPath: String {
        ProcessInfo.processInfo.environment["CRANK_BIN"] ?? Checkout.root + "/.build/debug/crank"
    }

    /// The project venv's Python with Prefect installed (`make test` creates it).
    public static func prefectPython() throws -> String {
        let path = ProcessInfo.processInfo.environment["CRANK_PYTHON"] ?? Checkout.root + "/.venv/bin/python"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestFailure("no Python with Prefect at \(path); run `make test`, which creates .venv with Prefect")
        }
        return path
    }

    public static func crank(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]) throws -> ProcessOutput {
        guard FileManager.default.isExecutableFile(atPath: crankPath) else {
            throw TestFailure("crank binary not found at \(crankPath); run `make test` (it builds first)")
        }
        return try run(crankPath, arguments, in: directory, environment: environment)
    }

    public static func run(
        _ executable: String, _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]
    ) throws -> ProcessOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NO_COLOR")
        env.merge(environment) { _, new in new }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Drain stdout on another thread while this one drains stderr: no pipe can fill up.
        let stdoutBox = DataBox()
        let reader = Thread { stdoutBox.data = out.fileHandleForReading.readDataToEndOfFile(); stdoutBox.done.signal() }
        reader.start()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        stdoutBox.done.wait()
        process.waitUntilExit()
        return ProcessOutput(
            status: process.terminationStatus,
            stdout: String(decoding: stdoutBox.data, as: UTF8.self),
            stderr: String(decoding: stderrData, as: UTF8.self))
    }
}

private final class DataBox: @unchecked Sendable {
    var data = Data()
    let done = DispatchSemaphore(value: 0)
}

extension ProcessRunner {
    /// Runs blocking work (a child process) on its own thread and awaits it, so long process
    /// waits never hold one of the few threads of Swift's cooperative pool (2 on a 2-core CI
    /// machine) that other tests — and their timing — depend on.
    public static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}
