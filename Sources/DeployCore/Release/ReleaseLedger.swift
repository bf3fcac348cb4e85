import Foundation

/// The release bookkeeping both engines share, over any `StateStore`: read the history,
/// open a pending release, and record the outcomes (live, failed, rolled back, cleaned).
/// Store errors become `.prefect` (a server-backed store) or `.state`.
struct ReleaseLedger: Sendable {
    let store: any StateStore
    let environment: String
    /// The environment's release directories (local target): numbering skips theirs, and
    /// `promote` prunes them down to `keepReleases`.
    var snapshots: String?
    var keepReleases = 10

    func run<T>(_ what: String, _ body: () async throws -> T) async throws(ReleaseEngine.Failure) -> T {
        do {
            return try await body()
        } catch let failure as PrefectClient.Failure {
            throw .prefect(failure)
        } catch {
            throw .state("\(what): \(error)")
        }
    }

    /// The manifest's deployments against the live release's record.
    func plan(_ manifest: BuildManifest) async throws(ReleaseEngine.Failure) -> PlanDiff {
        let live = try await history().live
        var diff = PlanDiff.compute(environment: environment, desired: manifest.entries.map(\.deployment), live: live.map { ($0.id, $0.deployments) })
        diff.addHooks(manifest.hooks)
        return diff
    }

    /// The environment's releases (oldest first) and its live one.
    func history() async throws(ReleaseEngine.Failure) -> (releases: [ReleaseRecord], live: ReleaseRecord?) {
        let (releases, live) = try await run("cannot read the release history") {
            try await store.history(environment: environment)
        }
        return (releases, ReleaseRecord.resolveLive(releases, pointer: live?.id))
    }

    /// The release a rollback restores: `requested`, else the newest restorable one before the
    /// live one (else the newest restorable at all). Restorable: once live, not live now, and
    /// `available` (its release directory or images still exist). The error lists those that are.
    static func rollbackTarget(_ releases: [ReleaseRecord], live: ReleaseRecord?, requested: String?,
                               available: (ReleaseRecord) -> Bool = { _ in true }) throws(ReleaseEngine.Failure) -> ReleaseRecord {
        let restorable = releases.filter { $0.id != live?.id && [.superseded, .rolledBack, .live].contains($0.status) && available($0) }
        if let requested {
            guard let found = restorable.first(where: { $0.id == requested }) else { throw .noSuchRelease(requested, restorable: restorable.map(\.id)) }
            return found
        }
        guard let previous = restorable.filter({ $0.number < (live?.number ?? Int.max) }).last ?? restorable.last else { throw .nothingToRollBack }
        return previous
    }

    /// Records release `r<N+1>` as pending, with the manifest of exactly `desired`.
    func open(after releases: [ReleaseRecord], manifest: BuildManifest, desired: [RenderedDeployment], reason: String?) async throws(ReleaseEngine.Failure) -> ReleaseRecord {
        let used = releases.map(\.number) + [await store.highestReleaseNumber(environment: environment)]
            + (snapshots.map(SourceSnapshot.numbers(in:)) ?? [])
        let id = "r\((used.max() ?? 0) + 1)"
        var recorded = manifest
        recorded.entries = desired.map { deployment in
            manifest.entries.first { $0.deployment.name == deployment.name } ?? BuildManifest.Entry(deployment: deployment, artifacts: [], commands: [])
        }
        let record = ReleaseRecord(
            id: id, environment: environment, status: .pending, createdAt: Date(), user: Identity.user, host: Identity.host,
            gitSHA: manifest.revision.gitSHA, tag: manifest.revision.tag, reason: reason, configHash: SHA256.hex(recorded.text),
            secrets: Array(Set(desired.flatMap(\.secretNames))).sorted(), manifest: recorded.json, failure: nil)
        try await run("cannot record release \(id)") { try await store.save(record) }
        return record
    }

    /// `record` failed with `failure` (best effort: the failure itself is what gets reported).
    func fail(_ record: ReleaseRecord, _ failure: HealthFailure) async {
        var failed = record
        failed.status = .failed
        failed.failure = failure
        try? await store.save(failed)
    }

    /// `record` becomes live; the release live before it becomes `previousBecomes`, and any
    /// other record still marked live (a crash, a lost pointer) becomes superseded: one live at
    /// most. Then release directories beyond `keepReleases` are pruned.
    func promote(_ record: ReleaseRecord, previous: ReleaseRecord?, previousBecomes: ReleaseRecord.Status) async throws(ReleaseEngine.Failure) {
        let releases = try await history().releases
        try await run("cannot mark \(record.id) live") {
            var live = record
            live.status = .live
            try await store.save(live)
            try await store.setLive(environment: environment, id: record.id)
            for var other in releases where other.id != record.id && (other.status == .live || other.id == previous?.id) {
                other.status = other.id == previous?.id ? previousBecomes : .superseded
                try await store.save(other)
            }
        }
        if let snapshots {
            _ = SourceSnapshot.prune(folder: snapshots, releases: releases, live: record.id, keep: keepReleases)
        }
    }

    /// Nothing is live any more (`crank clean`); the history stays.
    func clear() async throws(ReleaseEngine.Failure) {
        let releases = try await history().releases
        try await run("cannot clear the live release") {
            for var live in releases where live.status == .live {
                live.status = .superseded
                try await store.save(live)
            }
            try await store.setLive(environment: environment, id: nil)
        }
    }
}

/// Runs `body` on every item with at most `jobs` at once; results in input order.
func boundedConcurrency<Item: Sendable, Result: Sendable>(_ items: [Item], jobs: Int, _ body: @escaping @Sendable (Item) async -> Result) async -> [Result] {
    await withTaskGroup(of: (Int, Result).self) { group in
        var results = [Result?](repeating: nil, count: items.count)
        var next = 0
        func add() {
            guard next < items.count else { return }
            let index = next
            let item = items[index]
            next += 1
            group.addTask { (index, await body(item)) }
        }
        for _ in 0..<max(1, jobs) { add() }
        for await (index, result) in group {
            results[index] = result
            add()
        }
        return results.compactMap { $0 }
    }
}
