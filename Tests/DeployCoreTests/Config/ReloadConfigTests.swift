import Foundation
import Testing
@testable import DeployCore

@Suite("reload: how a service or worker takes a new config")
struct ReloadConfigTests {
    func yaml(_ reload: String, port: String = "port: 9001", flow: Bool = false) -> String {
        """
        project: demo
        environments:
          dev: {target: local}
        templates:
          reloadable:
            reload: {http: {method: POST, path: /admin/config}, timeout: 3s}
        deployments:
          worker:
            \(flow ? "flow: ingest" : "command: [python3, worker.py]")
            \(port)
            reload: \(reload)
        """
    }

    func decoded(_ text: String) throws -> (ReloadSettings?, [String]) {
        let (effective, issues) = try ConfigFixture(text).load()
        return (effective?.config.deployments.first { $0.name == "worker" }?.reload, issues.map { "\($0.code.rawValue) \($0.path)" })
    }

    @Test("signal and http decode with their timeout (default 10s); SIGHUP and hup mean HUP")
    func decodes() throws {
        #expect(try decoded(yaml("{signal: HUP}")).0 == ReloadSettings(method: .signal(.HUP), timeout: 10))
        #expect(try decoded(yaml("{signal: sigusr1, timeout: 500ms}")).0 == ReloadSettings(method: .signal(.USR1), timeout: 0.5))
        #expect(try decoded(yaml("{http: {path: /admin/config}, timeout: 2}")).0
                == ReloadSettings(method: .http(method: "POST", path: "/admin/config"), timeout: 2))
        #expect(try decoded(yaml("{http: {method: put, path: /config}}")).0 == ReloadSettings(method: .http(method: "PUT", path: "/config"), timeout: 10))
        #expect(try decoded(yaml("{signal: HUP}")).1 == [])
        // From a template, like any other key.
        let templated = try decoded(yaml("null").replacingOccurrences(of: "    reload: null", with: "    template: reloadable"))
        #expect(templated.0 == ReloadSettings(method: .http(method: "POST", path: "/admin/config"), timeout: 3))
    }

    @Test("wrong reload settings are errors naming the key path, with the fix")
    func errors() throws {
        #expect(try decoded(yaml("{signal: HUP, tiemout: 2s}")).1 == ["unknown-key deployments.worker.reload.tiemout"])
        let (_, issues) = try ConfigFixture(yaml("{signal: HUP, tiemout: 2s}")).load()
        #expect(issues.first?.hint?.hasPrefix("did you mean 'timeout'?") == true)
        #expect(try decoded(yaml("{signal: TERM}")).1 == ["invalid-value deployments.worker.reload.signal"])
        let (_, term) = try ConfigFixture(yaml("{signal: TERM}")).load()
        #expect(term.first?.message.contains("stops the process") == true)
        #expect(term.first?.hint?.contains("HUP, USR1, USR2") == true)
        let (_, typo) = try ConfigFixture(yaml("{signal: HUPP}")).load()
        #expect(typo.first?.hint?.hasPrefix("did you mean 'HUP'?") == true)
        #expect(try decoded(yaml("{signal: HUP, http: {path: /c}}")).1 == ["conflicting-keys deployments.worker.reload"])
        #expect(try decoded(yaml("{timeout: 2s}")).1 == ["missing-key deployments.worker.reload"])
        #expect(try decoded(yaml("{http: {method: GET, path: /c}}")).1 == ["invalid-value deployments.worker.reload.http.method"])
        #expect(try decoded(yaml("{http: {method: POST}}")).1 == ["missing-key deployments.worker.reload.http.path"])
        #expect(try decoded(yaml("{http: {path: admin}}")).1 == ["invalid-value deployments.worker.reload.http.path"])
        #expect(try decoded(yaml("{signal: HUP, timeout: soon}")).1 == ["invalid-value deployments.worker.reload.timeout"])
        #expect(try decoded(yaml("HUP")).1 == ["wrong-type deployments.worker.reload"])
    }

    @Test("an http reload needs the deployment's port; a flow takes no reload")
    func placement() throws {
        #expect(try decoded(yaml("{http: {path: /c}}", port: "")).1 == ["missing-key deployments.worker.port"])
        #expect(try decoded(yaml("{signal: HUP}", port: "")).1 == [])
        #expect(try decoded(yaml("{signal: HUP}", port: "", flow: true)).1 == ["invalid-placement deployments.worker.reload"])
    }

    @Test("the rendered spec carries reload only when set, so other deployments' hashes stay as they were")
    func rendered() throws {
        let settings = ReloadSettings(method: .http(method: "POST", path: "/admin/config"), timeout: 3)
        #expect(ReloadSettings(json: settings.json) == settings)
        #expect(ReloadSettings(json: ReloadSettings(method: .signal(.USR2)).json) == ReloadSettings(method: .signal(.USR2)))
        #expect(ReloadSettings(json: nil) == nil)
        // The release record is read back from JSON: the spec must come back identical, or every
        // deploy would see the deployment as changed.
        for written in [settings, ReloadSettings(method: .signal(.HUP)), ReloadSettings(method: .signal(.HUP), timeout: 0.5)] {
            #expect(try JSONReader.parse(Data(JSONWriter.compactText(written.json).utf8)) == written.json)
            #expect(try JSONReader.parse(try JSONEncoder().encode(written.json)) == written.json, "as the state store writes it")
        }
    }
}
