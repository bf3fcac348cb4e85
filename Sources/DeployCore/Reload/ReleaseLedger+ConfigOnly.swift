/// The release a reload records, the same for every engine: the live release's deployments with
/// each reloaded one replaced by its new spec, at the live release's revision.
extension ReleaseLedger {
    func openConfigOnly(after releases: [ReleaseRecord], live: ReleaseRecord, steps: [ReloadStep], project: String,
                        target: TargetKind, reason: String?) async throws(ReloadFailure) -> ReleaseRecord {
        let updated = Dictionary(uniqueKeysWithValues: steps.map { ($0.updated.name, $0.updated) })
        let recorded = live.deployments.map { updated[$0.name] ?? $0 }
        let configOnly = BuildManifest(project: project, environment: environment, target: target, revision: ReleaseEngine.revision(of: live),
                                       entries: recorded.map { .init(deployment: $0, artifacts: [], commands: []) })
        do throws(ReleaseEngine.Failure) {
            return try await open(after: releases, manifest: configOnly, desired: recorded, reason: reason)
        } catch { throw .release(error) }
    }

    /// The new release's directory, a copy of the live one's (processes run from it); when it
    /// cannot be written the release is recorded failed and nothing was reloaded.
    func cloneSnapshot(of live: ReleaseRecord, into record: ReleaseRecord, root: String) async throws(ReloadFailure) {
        do {
            try SourceSnapshot.clone(root: root, environment: environment, from: live.id, to: record.id)
        } catch {
            await fail(record, HealthFailure(deployment: "-", check: "snapshot", observed: "\(error)", threshold: "the release directory is written"))
            throw .release(.state("cannot record release \(record.id): \(error)"))
        }
    }
}
