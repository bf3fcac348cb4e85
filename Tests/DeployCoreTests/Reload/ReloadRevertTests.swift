import Testing
@testable import DeployCore

@Suite("which instances a failed reload gives the previous config back, and which then run it")
struct ReloadRevertTests {
    func told(_ name: String, _ outcome: ReloadOutcome) -> (String, InstanceReload) {
        (name, InstanceReload(deployment: name, instance: "pid 1", method: "http POST /c", outcome: outcome))
    }

    @Test("unreachable instances are not reverted; refused ones and those that took the old config back run it; timed-out ones are unknown")
    func rules() {
        let results = [told("applied", .applied(detail: nil)), told("slow", .timedOut(after: 1)),
                       told("picky", .rejected(status: 422, body: "no")), told("gone", .unreachable(reason: "not running")),
                       told("restarted", .rejected(status: nil, body: "gate"))]
        #expect(ReloadRevert.worthReverting(results) == ["applied", "slow", "picky", "restarted"])
        let reverted = [told("applied", .applied(detail: nil)), told("slow", .timedOut(after: 1)), told("picky", .rejected(status: 422, body: "no"))]
        let previous = ReloadRevert.onPreviousConfig(told: results, reverted: reverted, inPlace: { $0 != "restarted" })
        #expect(previous.sorted() == ["applied", "picky"])
    }
}
