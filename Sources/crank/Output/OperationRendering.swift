import DeployCore
import Foundation

/// `error:` / `hint:` for what `crank exec` and `crank logs` could not do.
enum OperationRendering {
    static func report(_ failure: OperationFailure, environment: String, terminal: Terminal) {
        switch failure {
        case .notDeployed(let env):
            terminal.error("nothing is deployed in \(env)", hint: "deploy first: crank deploy --env \(env)")
        case .unknownDeployment(let name, let known):
            terminal.error("no deployment '\(name)' in the live release of \(environment)", hint: "deployments: \(known.joined(separator: ", "))")
        case .chooseDeployment(let known):
            terminal.error("the live release of \(environment) has \(known.count) deployments; name one", hint: "deployments: \(known.joined(separator: ", "))")
        case .unknownHost(let host, let deployment, let hosts):
            terminal.error("\(deployment) does not run on a host named '\(host)'", hint: "its hosts: \(hosts.joined(separator: ", "))")
        case .unsupported(let target, let reason):
            terminal.error("not available for the \(target.rawValue) environment \(environment)", hint: reason)
        case .noSuchRelease(let release, let deployment, let available):
            terminal.error("no output of \(deployment) from release \(release) is kept",
                           hint: available.isEmpty ? "nothing older is kept; drop --release" : "kept: \(available.joined(separator: ", "))")
        case .noTimestamps(let reason):
            terminal.error(reason, hint: "use --tail N instead of --since")
        case .state(let reason):
            terminal.error(reason, hint: "`crank status --env \(environment)` shows what runs")
        case .command(let reason):
            terminal.error(reason, hint: "check the container engine / ssh (`crank doctor --env \(environment)`)")
        case .host(let failure):
            ReleaseSession.report(failure, environment: environment, on: terminal)
        case .prefect(let failure):
            terminal.error(PrefectFailureText.describe(failure), hint: ReleaseSession.prefectHint(environment))
        }
    }
}
