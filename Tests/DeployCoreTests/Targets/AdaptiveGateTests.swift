import Foundation
import Testing
@testable import DeployCore

/// Counts how many bodies run at once.
actor Concurrency {
    var now = 0
    var peak = 0
    func begin() { now += 1; peak = max(peak, now) }
    func end() { now -= 1 }
}

@Suite("adaptive registration gate")
struct AdaptiveGateTests {
    func run(_ gate: AdaptiveGate, tasks: Int, counter: Concurrency) async {
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<tasks {
                group.addTask {
                    await gate.run {
                        await counter.begin()
                        try? await Task.sleep(nanoseconds: 20_000_000)
                        await counter.end()
                    }
                }
            }
        }
    }

    @Test("at most `limit` bodies at once, and every body runs")
    func limit() async {
        let gate = AdaptiveGate(limit: 3)
        let counter = Concurrency()
        await run(gate, tasks: 12, counter: counter)
        #expect(await counter.peak == 3)
        #expect(await counter.now == 0)
    }

    @Test("after the server says it is busy, one at a time")
    func busy() async {
        let gate = AdaptiveGate(limit: 4)
        await gate.serverBusy()
        let counter = Concurrency()
        await run(gate, tasks: 8, counter: counter)
        #expect(await counter.peak == 1)
        #expect(await gate.currentLimit == 1)
    }
}
