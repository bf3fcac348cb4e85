/// At most `limit` registrations in flight; once the server says it is busy (503), one at a
/// time for the rest of the run. A SQLite-backed Prefect server serializes writes, so
/// parallel requests only earn 503s and backoff there, while Prefect Cloud or a Postgres-backed
/// server gain from overlapping round trips.
actor AdaptiveGate {
    private var limit: Int
    private var inFlight = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    var currentLimit: Int { limit }

    func enter() async {
        if inFlight < limit {
            inFlight += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }  // `leave` counts it in
    }

    func leave() {
        inFlight -= 1
        while inFlight < limit, !waiting.isEmpty {
            inFlight += 1
            waiting.removeFirst().resume()
        }
    }

    func serverBusy() {
        limit = 1
    }

    /// Runs `body` inside the gate.
    func run<T: Sendable>(_ body: @Sendable () async -> T) async -> T {
        await enter()
        let result = await body()
        leave()
        return result
    }
}
