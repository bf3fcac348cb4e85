import Foundation

/// `crank reload` on an environment with hosts: every placement (deployment × host) is an
/// instance. HTTP goes from crank's side to the host's address, like the health gate; a signal
/// goes over SSH (`signalScript`: write the config, signal the recorded pid, wait for the
/// acknowledgement on the host); a deployment without `reload:` is replaced as a deploy does.
extension HostReleaseEngine: ConfigReloading {
    /// Runs on the host as `sh -c SCRIPT crank-reload FILE ACK PID TICKS SIGNAL RELEASE POLLS`, the
    /// config on stdin: prints `not-running`, `cannot-signal`, `exited`, `timeout` or `ack TEXT`.
    static let signalScript = #"""
    set -u
    file=$1 ack=$2 pid=$3 ticks=$4 sig=$5 release=$6 polls=$7
    alive() {
      [ -d "/proc/$pid" ] || return 1
      stat=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null) || return 1
      [ "$(echo "$stat" | cut -d' ' -f1)" != Z ] && [ "$(echo "$stat" | cut -d' ' -f20)" = "$ticks" ]
    }
    mkdir -p "${file%/*}" || exit 120
    (umask 077 && cat >"$file.tmp" && mv -f "$file.tmp" "$file") || exit 120
    alive || { echo not-running; exit 0; }
    kill -"$sig" "$pid" 2>/dev/null || { echo cannot-signal; exit 0; }
    i=0
    while [ "$i" -lt "$polls" ]; do
      if [ -f "$ack" ]; then
        a=$(cat "$ack")
        case $a in "$release" | *"\"$release\""*) printf 'ack %s\n' "$a"; exit 0 ;; esac
      fi
      alive || { echo exited; exit 0; }
      sleep 0.05; i=$((i + 1))
    done
    echo timeout
    """#

    /// `sh -c SCRIPT crank-reload RECORD RELEASE`: the process record now names RELEASE.
    static let retagScript = #"""
    f=$1 release=$2
    read -r pid t rel port <"$f" && printf '%s %s %s %s\n' "$pid" "$t" "$release" "$port" >"${f%/*}/.${f##*/}.reload" && mv -f "${f%/*}/.${f##*/}.reload" "$f"
    """#

    static func configFile(_ host: HostSpec, environment: String, deployment: String) -> String { "\(host.root)/run/\(environment)/config/\(deployment).json" }
    static func appliedFile(_ host: HostSpec, environment: String, deployment: String) -> String { "\(host.root)/run/\(environment)/config/\(deployment).applied" }

    func reloadSteps(_ manifest: BuildManifest, names: [String]) async throws(ReloadFailure) -> (releases: [ReleaseRecord], live: ReleaseRecord, steps: [ReloadStep]) {
        let releases: [ReleaseRecord]
        let live: ReleaseRecord?
        do throws(ReleaseEngine.Failure) { (releases, live) = try await ledger.history() } catch { throw .release(error) }
        guard let live else { throw .notDeployed }
        return (releases, live, try ReloadPlanner.plan(live: live.deployments, desired: manifest.entries.map(\.deployment), names: names))
    }

    func entries(_ steps: [ReloadStep]) async throws(ReloadFailure) -> [String: [RemoteSupervisor.Entry]] {
        do throws(ReleaseEngine.Failure) { return try await listings(steps.flatMap { Self.hosts($0.running) }) } catch { throw .release(error) }
    }

    public func reloadPreview(_ manifest: BuildManifest, names: [String]) async throws(ReloadFailure) -> ReloadPreview {
        let (_, live, steps) = try await reloadSteps(manifest, names: names)
        let running = try await entries(steps)
        return ReloadPreview(environment: environment, live: live.id, instances: steps.flatMap { step in
            Self.hosts(step.running).map { host in
                let entry = running[host.name]?.first { $0.deployment == step.running.name && $0.running }
                return ReloadPreview.Instance(deployment: step.running.name, instance: "\(host.name) " + (entry.map { "pid \($0.pid)" } ?? "not running"),
                                              method: step.method, timeout: step.settings?.timeout, changed: step.changed)
            }
        })
    }

    public func reload(_ manifest: BuildManifest, names: [String], options: ReloadOptions) async throws(ReloadFailure) -> ReloadReport {
        let (releases, live, steps) = try await reloadSteps(manifest, names: names)
        let running = try await entries(steps)
        var record = try await ledger.openConfigOnly(after: releases, live: live, steps: steps, project: effective.config.project,
                                                     target: .local, reason: options.reason)
        let id = record.id
        try await ledger.cloneSnapshot(of: live, into: record, root: root)
        let instances = steps.flatMap { step in Self.hosts(step.running).map { (step: step, host: $0) } }
        // The release directory goes to every host first: a later restart or rollback runs from it.
        let shipped = await boundedConcurrency(HostFleet.unique(instances.map(\.host)), jobs: maxParallel) { host in (host.name, await self.ship(id, to: host)) }
        let shipProblems = Dictionary(shipped.compactMap { name, problem in problem.map { (name, $0) } }) { first, _ in first }
        let results = await boundedConcurrency(instances, jobs: max(1, instances.count)) { instance in
            if let problem = shipProblems[instance.host.name] {
                return InstanceReload(deployment: instance.step.running.name, instance: instance.host.name, method: instance.step.method,
                                      outcome: .unreachable(reason: problem))
            }
            let entry = running[instance.host.name]?.first { $0.deployment == instance.step.running.name && $0.running }
            // Recorded as running the new release before it is told (as on this machine): a crank
            // killed mid-reload leaves it for the recovery to restart from the live release.
            // One whose record cannot be written is not told.
            if instance.step.settings != nil, let entry, let problem = await self.retag(instance.step.running.name, on: instance.host, release: id) {
                return InstanceReload(deployment: instance.step.running.name, instance: "\(instance.host.name) pid \(entry.pid)", method: instance.step.method,
                                      outcome: .unreachable(reason: "\(instance.host.name): not told, its process record could not be written (\(problem))"))
            }
            return await self.apply(instance.step, deployment: instance.step.updated, running: instance.step.running, on: instance.host, entry: entry,
                                    release: id, previous: live.id)
        }
        record.reason = ReloadOptions.reason(options.reason, results)
        guard let failed = zip(instances, results).first(where: { !$0.1.outcome.isApplied }) else {
            do throws(ReleaseEngine.Failure) {
                try await ledger.promote(record, previous: live, previousBecomes: .superseded)
            } catch { throw .release(error) }
            return ReloadReport(environment: environment, release: id, previous: live.id, status: "applied", instances: results)
        }
        var reverted: [InstanceReload] = []
        var toRevert: [(step: ReloadStep, host: HostSpec)] = []
        if options.revertOnFailure {
            toRevert = ReloadRevert.worthReverting(Array(zip(instances, results)))
            let now = try? await listings(toRevert.map(\.host))
            reverted = await boundedConcurrency(toRevert, jobs: max(1, toRevert.count)) { instance in
                let entry = now?[instance.host.name]?.first { $0.deployment == instance.step.running.name && $0.running }
                return await self.apply(instance.step, deployment: instance.step.running, running: instance.step.updated, on: instance.host, entry: entry,
                                        release: live.id, previous: id)
            }
        }
        for instance in ReloadRevert.onPreviousConfig(told: Array(zip(instances, results)), reverted: Array(zip(toRevert, reverted)),
                                                      inPlace: { $0.step.settings != nil }) {
            await retag(instance.step.running.name, on: instance.host, release: live.id)
        }
        await ledger.fail(record, HealthFailure(deployment: "\(failed.0.step.running.name)@\(failed.0.host.name)", check: "reload",
                                                observed: failed.1.outcome.summary, threshold: "applied within \(DurationText.format(failed.0.step.settings?.timeout ?? 0))"))
        return ReloadReport(environment: environment, release: id, previous: live.id, status: "failed", instances: results, reverted: reverted)
    }

    func apply(_ step: ReloadStep, deployment: RenderedDeployment, running: RenderedDeployment, on host: HostSpec, entry: RemoteSupervisor.Entry?,
               release: String, previous: String) async -> InstanceReload {
        let name = deployment.name
        guard let settings = step.settings else {
            let applied = await replace(Placement(deployment: deployment, host: host), release: release)
            let instance = host.name + (applied.result.detail?.split(separator: " ").last.map { " pid \($0)" } ?? "")
            guard let failure = applied.failure else {
                return InstanceReload(deployment: name, instance: instance, method: "restart", outcome: .applied(detail: "restarted (\(applied.result.detail ?? ""))"))
            }
            return InstanceReload(deployment: name, instance: host.name, method: "restart",
                                  outcome: .rejected(status: nil, body: "\(failure.check): \(failure.observed) (wanted \(failure.threshold))"))
        }
        guard let entry else {
            return InstanceReload(deployment: name, instance: host.name, method: settings.summary,
                                  outcome: .unreachable(reason: "not running on \(host.name) (`crank start --env \(environment) \(name)` starts it)"))
        }
        let payload = ReloadPayload.json(deployment: deployment, environment: environment, release: release, previous: previous,
                                         changed: ReloadPlanner.changedKeys(running.spec["env"], deployment.spec["env"]))
        let instance = "\(host.name) pid \(entry.pid)"
        switch settings.method {
        case .http(let method, let path):
            guard let port = Self.port(deployment), let url = URL(string: "http://\(Self.urlHost(host.address)):\(port)\(path)") else {
                return InstanceReload(deployment: name, instance: instance, method: settings.summary, outcome: .unreachable(reason: "no port to send the config to"))
            }
            let outcome = await LocalReloadDelivery.send(method: method, url: url, body: Data(ReloadPayload.text(payload).utf8), timeout: settings.timeout)
            return InstanceReload(deployment: name, instance: instance, method: settings.summary, outcome: outcome)
        case .signal(let signal):
            let polls = String(Int((settings.timeout / 0.05).rounded(.up)))
            let arguments = ["/bin/sh", "-c", Self.signalScript, "crank-reload",
                             Self.configFile(host, environment: environment, deployment: name), Self.appliedFile(host, environment: environment, deployment: name),
                             String(entry.pid), entry.startTicks, signal.rawValue, release, polls]
            // The loop counts polls, not seconds: a slow host gets a little longer, never less.
            let result = await runner.result(of: transport(host).command(arguments, input: Data(ReloadPayload.text(payload).utf8)),
                                             timeout: settings.timeout * 2 + 30)
            return InstanceReload(deployment: name, instance: instance, method: settings.summary,
                                  outcome: Self.signalOutcome(result, signal: signal, release: release, timeout: settings.timeout, host: host.name))
        }
    }

    /// The process record of `name` on `host` now names `release`; the problem when it cannot be written.
    @discardableResult
    func retag(_ name: String, on host: HostSpec, release: String) async -> String? {
        let file = "\(host.root)/run/\(environment)/\(name)"
        let result = await runner.result(of: transport(host).command(["/bin/sh", "-c", Self.retagScript, "crank-reload", file, release]), timeout: callTimeout)
        return result.status == 0 && !result.timedOut ? nil : Self.reason(result)
    }

    static func signalOutcome(_ result: CommandResult, signal: ReloadSignal, release: String, timeout: Double, host: String) -> ReloadOutcome {
        guard result.status == 0, !result.timedOut else { return .unreachable(reason: "\(host): \(reason(result))") }
        let output = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        switch output {
        case "not-running": return .unreachable(reason: "the process is not running on \(host)")
        case "cannot-signal": return .unreachable(reason: "cannot signal the process on \(host)")
        case "exited": return .unreachable(reason: "the process exited on SIG\(signal.rawValue) (does it handle the signal?)")
        case "timeout": return .timedOut(after: timeout)
        default:
            guard output.hasPrefix("ack ") else { return .unreachable(reason: "\(host): unexpected answer \(ReloadOutcome.excerpt(output, limit: 80))") }
            return LocalReloadDelivery.acknowledgement(text: String(output.dropFirst(4)), release: release) ?? .timedOut(after: timeout)
        }
    }

    /// An IPv6 address in brackets, as a URL wants it.
    static func urlHost(_ address: String) -> String { address.contains(":") ? "[\(address)]" : address }
}

extension ReloadOptions {
    /// The history's reason: `config reload[: WHY] (web@host-1 applied; …)`.
    static func reason(_ why: String?, _ results: [InstanceReload]) -> String {
        let summary = results.map { "\($0.deployment)\(hostSuffix($0.instance)) \($0.outcome.brief)" }.joined(separator: "; ")
        return ["config reload", why].compactMap { $0 }.joined(separator: ": ") + " (" + summary + ")"
    }

    /// `@host-1` for an instance named `host-1 pid 42`; nothing for `pid 42` (this machine).
    static func hostSuffix(_ instance: String) -> String {
        guard let first = instance.split(separator: " ").first, first != "pid", first != "not" else { return "" }
        return "@" + first
    }
}
