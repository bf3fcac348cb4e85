import Testing
@testable import DeployCore

/// Failures interpolated into messages (`"\(error)"`) read as words, never as Swift values.
@Suite("failure descriptions")
struct FailureDescriptionsTests {
    static let dump = #"[a-z][A-Za-z]*\((\"|[a-z][A-Za-z]*: |DeployCore\.)"#

    func words(_ value: Any) -> String {
        let text = "\(value)"
        #expect(text.range(of: Self.dump, options: .regularExpression) == nil, "\(text)")
        return text
    }

    @Test("engine, Prefect, host, lock and target failures")
    func failures() {
        let prefect = PrefectClient.Failure.unreachable("http://127.0.0.1:9/api: refused")
        #expect(words(prefect) == "Prefect API unreachable: http://127.0.0.1:9/api: refused")
        #expect(words(ReleaseEngine.Failure.prefect(prefect)) == "Prefect API unreachable: http://127.0.0.1:9/api: refused")
        #expect(words(ReleaseEngine.Failure.host(.unreachable(host: "web-1", reason: "timeout"))) == "web-1 is unreachable: timeout")
        for failure: ReleaseEngine.Failure in [.unsupportedTarget(.swarm), .unsupported(deployment: "a", reason: "r"), .unknownDeployment("x", known: ["a"]),
                                               .state("s"), .noSuchRelease("r9", restorable: ["r1"]), .nothingToRollBack, .notDeployed,
                                               .missingWorkPool(name: "p", type: "process"), .unsupportedAction("restart", reason: "r")] {
            _ = words(failure)
        }
        _ = words(DeployLock.Failure.server(.timedOut("GET x")))
        _ = words(EnvironmentTarget.Failure.noPrefectURL(environment: "staging", value: nil))
        #expect(words(ProcessSupervisor.Failure.cannotStart("x: not found on PATH")) == "cannot start: x: not found on PATH")
        _ = words(PlanExecutor.Failure.commandFailed(command: "podman build", status: 1, output: "no space"))
        _ = words(RegularFile.Failure.notRegular("a FIFO"))
        _ = words(DeploymentRenderer.Failure.ambiguousFlow(deployment: "d", reference: "f", candidates: ["a.py:f", "b.py:f"]))
        _ = words(SwarmService.Failure.noImage(deployment: "d"))
    }

    @Test("a JSON value reads as JSON")
    func json() {
        #expect(words(JSONValue.object(["loc": .array([.string("body"), .int(1)])])) == #"{"loc": ["body", 1]}"#)
    }
}
