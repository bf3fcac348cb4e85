import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starting, reloading and stopping crank's nginx, and the files it reads.
extension NginxProxy {
    /// Whether crank's nginx for this prefix runs: the pid file names a live nginx master.
    public var isRunning: Bool { masterPID() != nil }

    /// Stops crank's nginx: `nginx -s quit` (requests in flight finish), then `-s stop` after
    /// `grace`, then SIGKILL. Leaves the routes on disk; the next `route` starts nginx again.
    public func stop() {
        try? withLock { () throws(Failure) in
            guard let master = masterPID(), let executable = try? executable() else { return }
            let workers = NginxProcesses.children(of: master)
            _ = runner.run(ShellCommand(executable, arguments(["-s", "quit"])), timeout: 30)
            if !NginxProcesses.wait(until: { !NginxProcesses.isAlive(master) }, timeout: grace + 2) {
                _ = runner.run(ShellCommand(executable, arguments(["-s", "stop"])), timeout: 30)
                if !NginxProcesses.wait(until: { !NginxProcesses.isAlive(master) }, timeout: 3) { kill(master, SIGKILL) }
            }
            // Workers end with their master; whatever is left (a killed master's) gets SIGKILL.
            _ = NginxProcesses.wait(until: { workers.allSatisfy { !NginxProcesses.isAlive($0) } }, timeout: 2)
            for worker in workers where NginxProcesses.isAlive(worker) && NginxProcesses.isNginx(worker) { kill(worker, SIGKILL) }
            unlink(pidPath)
        }
    }

    /// The pid of the nginx master serving this prefix, if it is alive.
    public func masterPID() -> Int32? {
        guard let text = try? String(contentsOfFile: pidPath, encoding: .utf8),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 1,
              NginxProcesses.isAlive(pid), NginxProcesses.isNginx(pid, master: true) else { return nil }
        return pid
    }

    func arguments(_ extra: [String]) -> [String] {
        ["-p", directory + "/", "-c", configPath] + extra
    }

    func executable() throws(Failure) -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        guard let found = ExecutableLocator.find(nginx, path: path + ":/usr/sbin:/usr/local/sbin:/sbin") else {
            throw .nginxNotFound(nginx)
        }
        return found
    }

    /// `nginx -t` on the whole configuration.
    func check(_ deployment: String) throws(Failure) {
        let result = runner.run(ShellCommand(try executable(), arguments(["-t", "-q"])), timeout: 30)
        guard result.status == 0 else {
            throw .rejected(deployment: deployment, message: NginxLog.errors(in: result.stderr + result.stdout) ?? "exit status \(result.status)")
        }
    }

    /// Starts the daemon. The foreground nginx binds the listeners, forks the master and exits:
    /// its exit status says whether it started. Spawned in its own session with an empty signal
    /// mask and none of crank's descriptors (ProcessSupervisor), as nginx outlives crank.
    func start() throws(Failure) {
        let executable = try executable()
        let log = "\(directory)/logs/start.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let environment = ProcessInfo.processInfo.environment.filter { ["PATH", "TZ", "LANG"].contains($0.key) }
        let pid: Int32
        do {
            pid = try ProcessSupervisor.start(argv: [executable] + arguments([]), directory: directory, environment: environment, logPath: log).pid
        } catch {
            throw .startFailed("\(error)")
        }
        var status: Int32 = 0
        var reaped: pid_t = 0
        _ = NginxProcesses.wait(until: { reaped = waitpid(pid, &status, WNOHANG); return reaped != 0 }, timeout: grace + 20)
        let startLog = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        if reaped == pid, status != 0 {
            throw .startFailed(NginxLog.errors(in: startLog) ?? "nginx exited with status \(status >> 8)")
        }
        guard NginxProcesses.wait(until: { masterPID() != nil }, timeout: 10) else {
            throw .startFailed(NginxLog.errors(in: startLog) ?? "no nginx master appeared (pid file \(pidPath))")
        }
    }

    /// `nginx -s reload`, then waits for the outcome in the error log: new workers started (and
    /// the old ones gone: their requests finished) or an error (nginx keeps the old config).
    func reload() throws(Failure) {
        let executable = try executable()
        guard let master = masterPID() else { return try start() }
        let before = NginxProcesses.children(of: master)
        let offset = NginxLog.size(errorLogPath)
        let result = runner.run(ShellCommand(executable, arguments(["-s", "reload"])), timeout: 30)
        guard result.status == 0 else {
            throw .reloadFailed(NginxLog.errors(in: result.stderr) ?? "nginx -s reload exited with status \(result.status)")
        }
        var outcome = NginxLog.ReloadOutcome.pending
        let decided = NginxProcesses.wait(until: {
            outcome = NginxLog.reloadOutcome(NginxLog.read(errorLogPath, from: offset))
            return outcome != .pending || !NginxProcesses.isAlive(master)
        }, timeout: grace + 20)
        switch outcome {
        case .failed(let message): throw .reloadFailed(message)
        case .pending:
            throw .reloadFailed(decided ? "nginx exited during the reload; see logs/error.log" : "nginx did not confirm the reload within \(Int(grace + 20)) s")
        case .reloaded:
            // Old workers stop accepting at once and exit once their requests are done
            // (worker_shutdown_timeout bounds it): then no request reaches the old upstream.
            _ = NginxProcesses.wait(until: { before.allSatisfy { !NginxProcesses.isAlive($0) } }, timeout: grace + 5)
        }
    }

    func prepareDirectories() throws(Failure) {
        for sub in ["routes", "logs", "temp"] {
            do {
                try FileManager.default.createDirectory(atPath: "\(directory)/\(sub)", withIntermediateDirectories: true)
            } catch {
                throw .cannotWrite("\(directory)/\(sub)", reason: error.localizedDescription)
            }
        }
    }

    func write(_ text: String, to path: String) throws(Failure) {
        do {
            try AtomicFile.write(Data(text.utf8), to: path)
        } catch {
            if case .cannotWrite(let file, let reason) = error { throw .cannotWrite(file, reason: reason) }
            throw .cannotWrite(path, reason: "\(error)")
        }
    }

    /// Puts back a route file as it was before a rejected change (or removes a new one).
    func restore(_ previous: Data?, at path: String) {
        if let previous { try? AtomicFile.write(previous, to: path) } else { unlink(path) }
    }

    /// Runs `body` holding `<prefix>/.lock` (flock): one change at a time, across processes.
    func withLock(_ body: () throws(Failure) -> Void) throws(Failure) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(directory, reason: error.localizedDescription)
        }
        let descriptor = open("\(directory)/.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .cannotWrite("\(directory)/.lock", reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0, errno == EINTR {}
        defer { flock(descriptor, LOCK_UN) }
        try body()
    }
}
