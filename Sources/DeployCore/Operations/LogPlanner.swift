import Foundation

/// Where each deployment's output is read, per target (data; `LogReader` reads it).
public enum LogPlanner {
    public static func sources(_ engine: any ReleaseTarget, deployments: [LiveDeployment], request: LogRequest) async throws(OperationFailure) -> [LogSource] {
        switch engine {
        case let local as ReleaseEngine:
            try refuseHost(request, target: .local)
            if request.since != nil { throw .noTimestamps(reason: "the local target's log files hold the program's own output, without times; --since cannot apply") }
            return deployments.map { live in
                let name = live.deployment.name
                return .file(deployment: name, path: "\(local.runtime.runDirectory)/\(name).log", release: request.release,
                             record: local.runtime.record(name).flatMap { ProcessSupervisor.isAlive($0) ? $0 : nil })
            }
        case let containers as ContainerReleaseEngine:
            try refuseHost(request, target: .container)
            var sources: [LogSource] = []
            for live in deployments {
                let name = try container(containers, live.deployment.name, release: request.release)
                sources.append(.command(deployment: live.deployment.name, host: nil,
                                        ShellCommand(containers.engine.executable, containerLogs(name, request), environment: containers.engine.environment),
                                        alive: nil))
            }
            return sources
        case let hosts as HostReleaseEngine:
            if request.release != nil { throw .unsupported(target: .local, reason: "on hosts one log file per deployment is kept, without release markers; drop --release") }
            if request.since != nil { throw .noTimestamps(reason: "process logs on hosts hold the program's own output, without times; --since cannot apply") }
            let placements = try placements(deployments, request)
            let listings: [String: [RemoteSupervisor.Entry]]
            do throws(ReleaseEngine.Failure) { listings = try await hosts.listings(placements.map(\.host)) } catch { throw wrap(error) }
            return placements.map { placement in
                let entry = listings[placement.host.name]?.first { $0.deployment == placement.deployment.name && $0.running }
                let log = "\(placement.host.root)/run/\(hosts.environment)/\(placement.deployment.name).log"
                return .command(deployment: placement.deployment.name, host: placement.host.name,
                                hosts.transport(placement.host).script(remoteTail, arguments: [log, request.tail.map(String.init) ?? "all",
                                                                                              request.follow ? (entry.map { String($0.pid) } ?? "") : ""]),
                                alive: nil)
            }
        case let hosts as HostContainerReleaseEngine:
            var sources: [LogSource] = []
            for placement in try placements(deployments, request) {
                let onHost = hosts.onHost(placement.host)
                let name = try container(onHost, placement.deployment.name, release: request.release)
                sources.append(.command(deployment: placement.deployment.name, host: placement.host.name,
                                        hosts.fleet.transport(placement.host).command([onHost.engine.executable] + containerLogs(name, request)),
                                        alive: nil))
            }
            return sources
        case let swarm as SwarmReleaseEngine:
            try refuseHost(request, target: .swarm)
            if request.release != nil { throw .unsupported(target: .swarm, reason: "Swarm keeps the output of a service's current tasks only; drop --release") }
            return deployments.map { live in
                let service = swarm.serviceName(live.deployment.name)
                var arguments = ["service", "logs", "--no-task-ids"]
                if let tail = request.tail { arguments += ["--tail", String(tail)] }
                if let since = request.since { arguments += ["--since", RFC3339.string(since)] }
                if request.follow { arguments.append("--follow") }
                return .command(deployment: live.deployment.name, host: nil,
                                ShellCommand(swarm.swarm.executable, arguments + [service], environment: swarm.swarm.environment),
                                alive: request.follow ? ShellCommand(swarm.swarm.executable, ["service", "ls", "--filter", "name=\(service)", "--format", "{{.Replicas}}"],
                                                                     environment: swarm.swarm.environment) : nil, nodePrefix: true)
            }
        case let prefect as PrefectReleaseEngine:
            try refuseHost(request, target: .prefect)
            var sources: [LogSource] = []
            for live in deployments {
                guard let flow = live.deployment.spec["flow_name"]?.stringValue else {
                    throw .state("the live release records no flow name for \(live.deployment.name)")
                }
                let id: String?
                do throws(PrefectClient.Failure) {
                    id = try await prefect.client.deploymentID(flow: flow, name: live.deployment.name)
                } catch { throw .prefect(error) }
                guard let id else { throw .state("\(live.deployment.name) is not registered with the Prefect server (`crank status` shows drift)") }
                sources.append(.prefect(deployment: live.deployment.name, id: id, release: request.release))
            }
            return sources
        default:
            throw .unsupported(target: .local, reason: "this target keeps no logs crank can read")
        }
    }

    /// `logs [--tail N] [--since T] [--follow] CONTAINER` (the engine's own options, podman and docker alike).
    static func containerLogs(_ container: String, _ request: LogRequest) -> [String] {
        var arguments = ["logs"]
        if let tail = request.tail { arguments += ["--tail", String(tail)] }
        if let since = request.since { arguments += ["--since", RFC3339.string(since)] }
        if request.follow { arguments.append("--follow") }
        return arguments + [container]
    }

    /// The container whose output to read: `release`'s (while it is kept), else the running one,
    /// else the newest of the deployment (a stopped or failed one is kept for its logs).
    static func container(_ containers: ContainerReleaseEngine, _ deployment: String, release: String?) throws(OperationFailure) -> String {
        let states: [ContainerEngine.State]
        do throws(ContainerEngine.Failure) { states = try containers.engine.states(labeled: containers.labels(deployment)) } catch {
            throw .command(error.description)
        }
        let releases = states.compactMap { $0.labels["crank.release"] }
        if let release {
            guard let state = states.first(where: { $0.labels["crank.release"] == release }) else {
                throw .noSuchRelease(release, deployment: deployment, available: Array(Set(releases)).sorted { (Int($0.dropFirst()) ?? 0) < (Int($1.dropFirst()) ?? 0) })
            }
            return state.name
        }
        if let running = states.first(where: \.running) { return running.name }
        guard let newest = states.max(by: { (Int(($0.labels["crank.release"] ?? "").dropFirst()) ?? 0) < (Int(($1.labels["crank.release"] ?? "").dropFirst()) ?? 0) }) else {
            throw .state("no container of \(deployment) exists\(containers.host.map { " on \($0.name)" } ?? "") (stopped by `crank clean`?)")
        }
        return newest.name
    }

    /// Tails a log file on a host; with a pid, follows it until that process is gone.
    static let remoteTail = #"""
    f=$1 n=$2 pid=$3
    [ -f "$f" ] || { echo "no log file $f" >&2; exit 3; }
    if [ "$n" = all ]; then n=+1; fi
    [ -n "$pid" ] || exec tail -n "$n" "$f"
    running() { [ -d "/proc/$1" ] && [ "$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" != Z ]; }
    tail -n "$n" -f "$f" & t=$!
    # Until the process is gone — or tail is (crank went away: tail's next write failed).
    while running "$t" && running "$pid"; do sleep 0.5; done
    sleep 0.5; kill "$t" 2>/dev/null; wait "$t" 2>/dev/null; exit 0
    """#

    static func placements(_ deployments: [LiveDeployment], _ request: LogRequest) throws(OperationFailure) -> [HostReleaseEngine.Placement] {
        var placements: [HostReleaseEngine.Placement] = []
        for live in deployments {
            let hosts = HostReleaseEngine.hosts(live.deployment)
            if let name = request.host {
                if let host = hosts.first(where: { $0.name == name }) { placements.append(.init(deployment: live.deployment, host: host)) }
            } else {
                placements += hosts.map { .init(deployment: live.deployment, host: $0) }
            }
        }
        if let name = request.host, placements.isEmpty {
            throw .unknownHost(name, deployment: deployments.map(\.deployment.name).joined(separator: ", "),
                               hosts: Array(Set(deployments.flatMap { HostReleaseEngine.hosts($0.deployment).map(\.name) })).sorted())
        }
        return placements
    }

    static func refuseHost(_ request: LogRequest, target: TargetKind) throws(OperationFailure) {
        if request.host != nil { throw .unsupported(target: target, reason: "--host applies to environments with hosts") }
    }

    static func wrap(_ failure: ReleaseEngine.Failure) -> OperationFailure {
        switch failure {
        case .host(let host): return .host(host)
        case .prefect(let prefect): return .prefect(prefect)
        default: return .state("\(failure)")
        }
    }
}
