/// After a failed reload, the same rules on every engine: which told instances get the previous
/// config back, and which are then recorded as running the live release again (the others stay
/// recorded under the failed release — drift — since what they run is not known).
enum ReloadRevert {
    /// The instances worth giving the previous config back: every one crank can still reach.
    static func worthReverting<Instance>(_ told: [(Instance, InstanceReload)]) -> [Instance] {
        told.filter { _, result in
            if case .unreachable = result.outcome { return false }
            return true
        }.map(\.0)
    }

    /// The instances told in place (`inPlace`) that run the previous config: those that refused
    /// the new one, and those that took the previous one back.
    static func onPreviousConfig<Instance>(told: [(Instance, InstanceReload)], reverted: [(Instance, InstanceReload)],
                                           inPlace: (Instance) -> Bool) -> [Instance] {
        let refused = told.filter { _, result in
            if case .rejected = result.outcome { return true }
            return false
        }
        return (refused + reverted.filter { $0.1.outcome.isApplied }).map(\.0).filter(inPlace)
    }
}
