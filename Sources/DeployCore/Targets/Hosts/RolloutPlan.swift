/// The order in which a deploy changes an environment's hosts (`rollout:`): batches of host
/// names, each started only once every placement of the batch before passed its gate. Data
/// only — an engine on hosts (supervised processes today, containers later) runs the batches;
/// `crank plan` shows them.
public struct RolloutPlan: Equatable, Sendable, Encodable {
    /// Host names, batch by batch.
    public var batches: [[String]]
    /// Whether the first batch is the canary (`rollout.canary`).
    public var canary: Bool
    /// Seconds waited between two batches.
    public var pause: Double

    enum CodingKeys: String, CodingKey { case batches, canary, pause = "pause_seconds" }

    /// `hosts`: those the deploy changes, in any order; `order`: the environment's host order
    /// (hosts not in it go last, as they came).
    public init(hosts: [String], order: [String], settings: RolloutSettings?) {
        let ordered = Self.ordered(hosts, by: order)
        batches = Self.batches(ordered, settings: settings)
        canary = (settings?.canary ?? 0) > 0 && !batches.isEmpty
        pause = settings?.pause ?? 0
    }

    /// `hosts` (in the environment's host order) cut into batches: the first `canary` hosts on
    /// their own, then `batch` at a time — all the rest at once without `batch`. Without
    /// settings one batch of every host; no hosts, no batches. Each host once.
    public static func batches(_ hosts: [String], settings: RolloutSettings?) -> [[String]] {
        var seen = Set<String>()
        var rest = hosts.filter { seen.insert($0).inserted }[...]
        guard !rest.isEmpty else { return [] }
        var batches: [[String]] = []
        let canary = min(max(0, settings?.canary ?? 0), rest.count)
        if canary > 0 {
            batches.append(Array(rest.prefix(canary)))
            rest = rest.dropFirst(canary)
        }
        let size = max(1, settings?.batch ?? rest.count)
        while !rest.isEmpty {
            batches.append(Array(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        return batches
    }

    /// The distinct `names` in `order`'s order; names `order` lacks follow as they came.
    public static func ordered(_ names: [String], by order: [String]) -> [String] {
        var seen = Set<String>()
        let unique = names.filter { seen.insert($0).inserted }
        let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return unique.enumerated().sorted { a, b in
            (rank[a.element] ?? order.count + a.offset, a.offset) < (rank[b.element] ?? order.count + b.offset, b.offset)
        }.map(\.element)
    }

    /// How progress names batch `index` ("batch 2/3", "canary, batch 1/3"); nil with one batch.
    public func label(_ index: Int) -> String? {
        guard batches.count > 1 else { return nil }
        return (canary && index == 0 ? "canary, " : "") + "batch \(index + 1)/\(batches.count)"
    }
}
