import Foundation

/// The logs of a Prefect deployment's flow runs (the most recent 50 runs; `--release`: those
/// created while that release was registered). Following polls every second and ends once the
/// deployment is paused (`crank stop`) and none of its runs is still going.
enum PrefectLogReader {
    static let page = 200

    static func read(deployment: String, id: String, release: String?, client: PrefectClient, request: LogRequest,
                     stop: LogStop, deliver: @Sendable ([LogLine]) -> Void) async -> OperationFailure? {
        do throws(PrefectClient.Failure) {
            var runs = try await client.flowRuns(deployment: id)
            if let release {
                let versions = Array(Set(runs.compactMap(\.version))).sorted { (Int($0.dropFirst()) ?? 0) < (Int($1.dropFirst()) ?? 0) }
                runs = runs.filter { $0.version == release }
                if runs.isEmpty { return .noSuchRelease(release, deployment: deployment, available: versions) }
            }
            var names = Dictionary(runs.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
            let since = request.since.map(PrefectClient.timestamp)
            var logs = try await initial(client, runs: runs.map(\.id), since: since, tail: request.tail)
            deliver(lines(logs, deployment: deployment, names: names))
            guard request.follow else { return nil }
            var seen = Set(logs.map(\.id))
            var last = logs.last?.timestamp ?? since
            var quiet = false
            while !stop.isRequested {
                if await sleep(1, stop: stop) { return nil }
                runs = try await client.flowRuns(deployment: id).filter { release == nil || $0.version == release }
                for run in runs { names[run.id] = run.name }
                logs = try await client.logs(flowRuns: runs.map(\.id), after: last, limit: page).filter { !seen.contains($0.id) }
                seen.formUnion(logs.map(\.id))
                if let newest = logs.last?.timestamp { last = newest }
                deliver(lines(logs, deployment: deployment, names: names))
                // Stopped: paused, nothing running — one more poll for the last records, then done.
                let stopped = runs.allSatisfy(\.isFinal) ? try await client.isPaused(deployment: id) : false
                if stopped && quiet { return nil }
                quiet = stopped
            }
            return nil
        } catch {
            return .prefect(error)
        }
    }

    /// All records since `since` (oldest first), or the newest `tail` of them.
    static func initial(_ client: PrefectClient, runs: [String], since: String?, tail: Int?) async throws(PrefectClient.Failure) -> [PrefectClient.FlowRunLog] {
        var collected: [PrefectClient.FlowRunLog] = []
        while tail.map({ collected.count < $0 }) ?? true {
            let want = min(page, (tail ?? Int.max) - collected.count)
            let batch = try await client.logs(flowRuns: runs, after: since, limit: want, offset: collected.count, newest: tail != nil)
            collected = tail != nil ? batch + collected : collected + batch
            if batch.count < want { break }
        }
        return collected
    }

    static func lines(_ logs: [PrefectClient.FlowRunLog], deployment: String, names: [String: String]) -> [LogLine] {
        logs.map { LogLine(deployment: deployment, time: $0.timestamp, line: "\(names[$0.flowRunID] ?? $0.flowRunID) \($0.levelName) \($0.message)") }
    }

    static func sleep(_ seconds: Double, stop: LogStop) async -> Bool {
        for _ in 0..<Int(seconds * 10) {
            if stop.isRequested { return true }
            try? await Task.sleep(nanoseconds: 100_000_000)
        }
        return stop.isRequested
    }
}
