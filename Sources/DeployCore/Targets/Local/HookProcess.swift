import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs one hook program on this machine: in its own session and process group, in the
/// release directory, with exactly the given environment, stdout and stderr read through a
/// pipe (into memory — the caller redacts before anything is written). Past `timeout` the
/// whole group gets SIGTERM, then SIGKILL 2 s later; when the program ends, whatever it left
/// running in its group is killed too.
public enum HookProcess {
    /// Output kept per hook (the tail of a longer one).
    static let outputLimit = 1 << 20

    public static func run(argv: [String], directory: String, environment: [String: String], timeout: Double) -> HookResult {
        let started = Date()
        guard let program = argv.first,
              let executable = ExecutableLocator.find(program.hasPrefix("./") ? directory + "/" + program.dropFirst(2) : program, path: environment["PATH"]) else {
            return HookResult(status: nil, notStarted: "\(argv.first ?? ""): not found on PATH", output: "", seconds: 0)
        }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return HookResult(status: nil, notStarted: "cannot create a pipe: \(String(cString: strerror(errno)))", output: "", seconds: 0) }
        // Close-on-exec: no other program crank starts meanwhile inherits the pipe.
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let pid: pid_t
        do throws(ProcessSupervisor.SpawnFailure) {
            pid = try ProcessSupervisor.spawn(["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory, executable] + argv.dropFirst(),
                                              environment: environment, stdout: "/dev/fd/\(fds[1])", stderr: nil, newSession: true)
        } catch {
            close(fds[0])
            close(fds[1])
            return HookResult(status: nil, notStarted: "\(program): \(error.reason)", output: "", seconds: 0)
        }
        close(fds[1])
        let reader = PipeReader(descriptor: fds[0], limit: outputLimit)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            reader.readToEnd()
            done.signal()
        }
        var status: Int32 = 0
        var exited = false
        var timedOut = false
        let deadline = started.addingTimeInterval(timeout)
        while !exited {
            if waitpid(pid, &status, WNOHANG) == pid { exited = true; break }
            if Date() >= deadline {
                timedOut = true
                kill(-pid, SIGTERM)
                let grace = Date().addingTimeInterval(2)
                while Date() < grace, waitpid(pid, &status, WNOHANG) != pid { usleep(20_000) }
                kill(-pid, SIGKILL)
                _ = waitpid(pid, &status, 0)
                exited = true
                break
            }
            usleep(10_000)
        }
        // Anything the hook left in its group (a background child holding the pipe) goes too.
        kill(-pid, SIGKILL)
        _ = done.wait(timeout: .now() + 5)
        let seconds = Date().timeIntervalSince(started)
        let code: Int? = timedOut ? nil : (status & 0x7f) == 0 ? Int((status >> 8) & 0xff) : 128 + Int(status & 0x7f)
        return HookResult(status: code, timedOut: timedOut, output: reader.text, seconds: seconds)
    }
}

/// Reads a pipe to its end on a thread of its own, keeping the last `limit` bytes.
final class PipeReader: @unchecked Sendable {
    private let descriptor: Int32
    private let limit: Int
    private let lock = NSLock()
    private var data = Data()

    init(descriptor: Int32, limit: Int) {
        self.descriptor = descriptor
        self.limit = limit
    }

    func readToEnd() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            lock.lock()
            data.append(contentsOf: buffer[0..<count])
            if data.count > limit * 2 { data = data.suffix(limit) }
            lock.unlock()
        }
        close(descriptor)
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data.suffix(limit), as: UTF8.self)
    }
}
