import Foundation
import Testing
@testable import DeployCore

@Suite("rollout batches of the hosts a deploy changes")
struct RolloutPlanTests {
    let five = ["a", "b", "c", "d", "e"]

    @Test("without rollout settings every host is in one batch; no hosts, no batches")
    func allAtOnce() {
        #expect(RolloutPlan.batches(five, settings: nil) == [five])
        #expect(RolloutPlan.batches(five, settings: RolloutSettings()) == [five])
        #expect(RolloutPlan.batches([], settings: RolloutSettings(batch: 2, canary: 1)) == [])
    }

    @Test("batch N cuts the hosts into batches of N in order, the last one shorter")
    func batches() {
        #expect(RolloutPlan.batches(five, settings: RolloutSettings(batch: 2)) == [["a", "b"], ["c", "d"], ["e"]])
        #expect(RolloutPlan.batches(five, settings: RolloutSettings(batch: 1)) == five.map { [$0] })
        #expect(RolloutPlan.batches(five, settings: RolloutSettings(batch: 9)) == [five])
    }

    @Test("the canary hosts go first on their own, then the rest in batches (or all at once)")
    func canary() {
        #expect(RolloutPlan.batches(five, settings: RolloutSettings(canary: 1)) == [["a"], ["b", "c", "d", "e"]])
        #expect(RolloutPlan.batches(five, settings: RolloutSettings(batch: 2, canary: 1)) == [["a"], ["b", "c"], ["d", "e"]])
        #expect(RolloutPlan.batches(five, settings: RolloutSettings(batch: 1, canary: 2)) == [["a", "b"], ["c"], ["d"], ["e"]])
        #expect(RolloutPlan.batches(["a", "b"], settings: RolloutSettings(batch: 1, canary: 5)) == [["a", "b"]])
    }

    @Test("a host named twice is in one batch, at its first place")
    func duplicates() {
        #expect(RolloutPlan.batches(["a", "b", "a", "c"], settings: RolloutSettings(batch: 2)) == [["a", "b"], ["c"]])
    }

    @Test("hosts follow the environment's host order; hosts it lacks go last as they came")
    func order() {
        #expect(RolloutPlan.ordered(["c", "x", "a", "c", "w"], by: ["a", "b", "c"]) == ["a", "c", "x", "w"])
        let plan = RolloutPlan(hosts: ["web-3", "web-1", "web-2"], order: ["web-1", "web-2", "web-3"], settings: RolloutSettings(batch: 1, canary: 1))
        #expect(plan.batches == [["web-1"], ["web-2"], ["web-3"]])
    }

    @Test("labels name the batch and the canary; one batch has no label")
    func labels() {
        let plan = RolloutPlan(hosts: five, order: five, settings: RolloutSettings(batch: 2, canary: 1, pause: 5))
        #expect((0..<3).map(plan.label) == ["canary, batch 1/3", "batch 2/3", "batch 3/3"])
        #expect(plan.canary && plan.pause == 5)
        let batched = RolloutPlan(hosts: five, order: five, settings: RolloutSettings(batch: 3))
        #expect(!batched.canary && batched.label(1) == "batch 2/2")
        #expect(RolloutPlan(hosts: five, order: five, settings: nil).label(0) == nil)
    }

    @Test("the plan's JSON has batches, canary and pause_seconds")
    func json() throws {
        let plan = RolloutPlan(hosts: ["a", "b"], order: [], settings: RolloutSettings(batch: 1, pause: 0.5))
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(plan)) as? [String: Any]
        #expect(object?["batches"] as? [[String]] == [["a"], ["b"]])
        #expect(object?["canary"] as? Bool == false)
        #expect(object?["pause_seconds"] as? Double == 0.5)
    }

    @Test("durations: s, ms, m, h and plain seconds; negative or unknown units are not")
    func durations() {
        #expect(["5s", "500ms", "1m", "1h", "2", "1.5s", "0s"].map(DurationText.seconds) == [5, 0.5, 60, 3600, 2, 1.5, 0])
        #expect(["-1s", "soon", "5 s", "", "5d", "infs"].allSatisfy { DurationText.seconds($0) == nil })
        #expect([5, 0.5, 1.5, 0, 90].map(DurationText.format) == ["5s", "500ms", "1.5s", "0s", "90s"])
    }
}
