import Foundation
import Testing
@testable import DeployCore

@Suite("who recorded a release or holds a lock")
struct IdentityTests {
    @Test("without $USER the user is named as `id -un` names them, not by a number")
    func userWithoutEnvironment() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/id")
        process.arguments = ["-un"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let expected = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!expected.isEmpty)
        #expect(Identity.user(environment: [:]) == expected)
        #expect(Identity.user(environment: ["USER": "", "LOGNAME": "someone-else"]) == expected)
    }

    @Test("$USER wins when it is set")
    func userFromEnvironment() {
        #expect(Identity.user(environment: ["USER": "deployer"]) == "deployer")
    }
}
