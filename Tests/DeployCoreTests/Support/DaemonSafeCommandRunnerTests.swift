import Foundation
import Testing
@testable import DeployCore

/// The runner the container engine uses: `podman run -d` leaves conmon holding podman's
/// descriptors, which makes a pipe-based runner wait for the container's whole life.
@Suite("DaemonSafeCommandRunner")
struct DaemonSafeCommandRunnerTests {
    @Test("a program that leaves a daemon behind returns when the program exits, with its output")
    func daemonDoesNotHoldTheCall() throws {
        let marker = "crank-daemon-\(UUID().uuidString)"
        // The background sleep inherits stdout and stderr, as conmon does.
        let result = DaemonSafeCommandRunner().run(ShellCommand("/bin/sh", ["-c", "exec -a \(marker) sleep 60 & echo started"]), timeout: 20)
        defer { _ = ProcessCommandRunner().run(ShellCommand("/usr/bin/pkill", ["-f", marker]), timeout: 5) }
        #expect(!result.timedOut)
        #expect(result.status == 0)
        #expect(result.stdout == "started\n")
    }

    @Test("exit status and stderr come back; the environment is exactly the command's")
    func statusAndStderr() {
        let result = DaemonSafeCommandRunner().run(ShellCommand("sh", ["-c", "echo out; echo \"err $ONLY\" >&2; exit 3"],
                                                                environment: ["PATH": "/usr/bin:/bin", "ONLY": "this"]), timeout: 10)
        #expect(result.status == 3)
        #expect(result.stdout == "out\n")
        #expect(result.stderr == "err this\n")
    }

    @Test("a program past its timeout is stopped and reported as timed out; a missing one is 127")
    func timeoutAndMissing() {
        let slow = DaemonSafeCommandRunner().run(ShellCommand("/bin/sleep", ["30"]), timeout: 0.3)
        #expect(slow.timedOut)
        #expect(slow.status != 0)
        let missing = DaemonSafeCommandRunner().run(ShellCommand("no-such-program-\(UUID().uuidString)"), timeout: 5)
        #expect(missing.status == 127)
    }
}
