import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Processes crank started for this environment that its records do not account for — left
/// by a crank killed between starting a process and recording it, or by a deleted or garbled
/// `.crank/run/<env>/<name>.json`. crank recognises its own: a session leader whose
/// environment says `CRANK_ENVIRONMENT=<env>` and `CRANK_DEPLOYMENT`, running in one of this
/// project's release directories.
extension LocalRuntime {
    /// What `adopt()` did with one process.
    public struct OrphanAction: Equatable, Sendable {
        public enum Kind: String, Sendable { case adopted, stopped }
        public var kind: Kind
        public var record: ProcessRecord
    }

    /// The release directories of this environment, as the kernel reports a process's cwd.
    var releasesPrefix: String {
        let directory = "\(root)/.crank/releases/\(environment)/"
        return (realpath(directory, nil).map { pointer -> String in
            defer { free(pointer) }
            return String(cString: pointer) + "/"
        }) ?? directory
    }

    /// Every live process crank started for this environment (recorded or not).
    public func scan() -> [ProcessRecord] {
        let prefix = releasesPrefix
        return ProcTable.pids().compactMap { pid in crankProcess(pid, releasesPrefix: prefix) }
            .sorted { ($0.deployment, $0.startTicks ?? 0) < ($1.deployment, $1.startTicks ?? 0) }
    }

    /// `pid` as a record if it is a process crank started for this environment.
    func crankProcess(_ pid: Int32, releasesPrefix prefix: String) -> ProcessRecord? {
        guard pid != getpid(), let lineage = ProcTable.lineage(pid), lineage.session == pid,
              let cwd = ProcTable.workingDirectory(pid), cwd.hasPrefix(prefix),
              let env = ProcTable.environment(pid), env["CRANK_ENVIRONMENT"] == environment,
              let deployment = env["CRANK_DEPLOYMENT"], NameRules.isValid(deployment),
              let release = env["CRANK_RELEASE"] else { return nil }
        let ticks = ProcessSupervisor.startTicks(pid)
        return ProcessRecord(deployment: deployment, release: release, pid: pid, startTicks: ticks,
                             port: env["CRANK_PORT"].flatMap { Int($0) }, startedAt: ticks.flatMap(Self.startDate) ?? Date(),
                             log: "\(runDirectory)/\(deployment).log")
    }

    /// Processes of this environment no record names.
    public func orphans() -> [ProcessRecord] {
        let recorded = Set(records().filter(ProcessSupervisor.isAlive).map(\.pid))
        return scan().filter { !recorded.contains($0.pid) }
    }

    /// What runs now: the records, with orphans (default: one scan of /proc) in place of
    /// records that are missing or dead.
    public func observed(orphans found: [ProcessRecord]? = nil) -> [ProcessRecord] {
        var byName: [String: ProcessRecord] = [:]
        for record in records() { byName[record.deployment] = record }
        for orphan in found ?? orphans() where byName[orphan.deployment].map({ !ProcessSupervisor.isAlive($0) }) ?? true {
            byName[orphan.deployment] = orphan
        }
        return byName.values.sorted { $0.deployment < $1.deployment }
    }

    /// Takes orphans back under supervision: the newest orphan of a deployment without a live
    /// process is recorded again; every other orphan is stopped (a deployment runs once).
    @discardableResult
    public func adopt() -> [OrphanAction] {
        var actions: [OrphanAction] = []
        for orphan in orphans().reversed() {
            if let current = record(orphan.deployment), ProcessSupervisor.isAlive(current) {
                ProcessSupervisor.stop(orphan, grace: grace)
                actions.append(OrphanAction(kind: .stopped, record: orphan))
            } else if (try? save(orphan)) != nil {
                actions.append(OrphanAction(kind: .adopted, record: orphan))
            }
        }
        return actions.reversed()
    }

    /// Frees `port` for a deployment: crank's own processes of this environment holding it are
    /// stopped; anything else holding it is returned (the deploy must not start beside it).
    public func claim(port: Int) -> String? {
        for _ in 0..<3 {
            guard let holders = ProcTable.listeners(port: port), !holders.isEmpty else { return nil }
            let prefix = releasesPrefix
            var foreign: [Int32] = []
            for pid in holders {
                let leader = ProcTable.lineage(pid)?.session ?? pid
                if let ours = crankProcess(leader, releasesPrefix: prefix) {
                    ProcessSupervisor.stop(ours, grace: grace)
                    if record(ours.deployment)?.pid == ours.pid { forget(ours.deployment) }
                } else {
                    foreign.append(pid)
                }
            }
            if let pid = foreign.first {
                return "port \(port) is held by \(ProcTable.describe(pid)), which crank did not start for \(environment)"
            }
        }
        return ProcTable.listeners(port: port).flatMap(\.first).map { "port \(port) is still held by \(ProcTable.describe($0))" }
    }

    /// nil when whatever listens on `port` belongs to `record`'s process tree; else who does.
    public func servingProblem(port: Int, record: ProcessRecord) -> String? {
        guard let holders = ProcTable.listeners(port: port) else { return nil }
        guard let stranger = holders.first(where: { !ProcTable.belongs($0, to: record.pid) }) else { return nil }
        return "port \(port) is answered by \(ProcTable.describe(stranger)), not by the started process (pid \(record.pid))"
    }

    /// When a process started, from its start ticks and the boot time.
    static func startDate(ticks: UInt64) -> Date? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("btime ") }),
              let boot = Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces)) else { return nil }
        let hertz = Double(sysconf(Int32(_SC_CLK_TCK)))
        return hertz > 0 ? Date(timeIntervalSince1970: boot + Double(ticks) / hertz) : nil
    }
}
