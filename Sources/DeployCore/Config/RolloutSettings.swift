/// `environments.<env>.rollout`: the order in which a deploy changes an environment's hosts
/// (see `RolloutPlan`). Without it every host changes at once (bounded by `ssh.max_parallel`).
public struct RolloutSettings: Equatable, Sendable, Codable {
    /// Hosts changed at once after the canary batch; nil: all the rest at once.
    public var batch: Int?
    /// The first this many hosts (of those a deploy changes) go first, as a batch of their own.
    public var canary = 0
    /// Seconds waited between two batches.
    public var pause: Double = 0

    public init(batch: Int? = nil, canary: Int = 0, pause: Double = 0) {
        self.batch = batch
        self.canary = canary
        self.pause = pause
    }
}
