/// One readable line for every failure crank can interpolate into a message (`"\(error)"`),
/// so no output ever shows a Swift enum dump such as `unreachable("…")`. Hints stay with the
/// CLI, which knows the environment and the command to suggest.

extension PrefectClient.Failure: CustomStringConvertible {
    public var description: String { PrefectFailureText.describe(self) }
}

extension ReleaseEngine.Failure: CustomStringConvertible {
    public var description: String {
        switch self {
        case .unsupportedTarget(let target): return "`\(target.rawValue)` environments are not supported by this command"
        case .unsupported(let deployment, let reason): return "deployment '\(deployment)': \(reason)"
        case .unknownDeployment(let name, let known):
            return "no deployment '\(name)' (deployments: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
        case .state(let reason): return reason
        case .noSuchRelease(let id, let restorable):
            return "release \(id) cannot be restored (restorable: \(restorable.isEmpty ? "none" : restorable.joined(separator: ", ")))"
        case .nothingToRollBack: return "nothing to roll back to"
        case .notDeployed: return "nothing is deployed"
        case .prefect(let failure): return failure.description
        case .missingWorkPool(let name, _): return "work pool '\(name)' does not exist in the Prefect server"
        case .unsupportedAction(let action, let reason): return "`crank \(action)` does not apply: \(reason)"
        case .host(let failure): return failure.description
        }
    }
}

extension DeployLock.Failure: CustomStringConvertible {
    public var description: String {
        switch self {
        case .held(let holder): return "locked by \(holder.description)"
        case .cannotWrite(let reason, _): return "cannot write the lock: \(reason)"
        case .server(let failure): return failure.description
        }
    }
}

extension EnvironmentTarget.Failure: CustomStringConvertible {
    public var description: String {
        switch self {
        case .noPrefectURL(let environment, let value): return "environment \(environment) has no usable Prefect API URL (\(value ?? "unset"))"
        case .missingAPIKey(let secret, _): return "secret \(secret) (the Prefect API key) has no value"
        case .missingSSHKey(let secret, let environment): return "secret \(secret) (the SSH key of \(environment)'s hosts) has no value"
        case .cannotWriteKey(let reason): return "cannot write the SSH key for this run: \(reason)"
        }
    }
}

extension PlanExecutor.Failure: CustomStringConvertible {
    public var description: String {
        switch self {
        case .cannotWrite(let path, let reason): return "cannot write \(path): \(reason)"
        case .commandFailed(let command, let status, let output):
            return "`\(command)` failed (exit \(status))" + (output.isEmpty ? "" : ": \(output)")
        }
    }
}

extension RegularFile.Failure: CustomStringConvertible {
    public var description: String {
        switch self {
        case .missing: return "no such file"
        case .notRegular(let what): return "not a regular file (\(what))"
        case .tooLarge(let size): return "too large (\(size) bytes)"
        case .unreadable(let reason): return "cannot be read: \(reason)"
        }
    }
}

extension ContainerfileBuilder.Failure: CustomStringConvertible {
    public var description: String { BuildPipeline.Failure.template(self).message }
}

extension DeploymentRenderer.Failure: CustomStringConvertible {
    public var description: String { BuildPipeline.Failure.render(self).message }
}

extension BuildPipeline.Failure: CustomStringConvertible {
    public var description: String { message }
}

extension NginxProxy.Failure: CustomStringConvertible {
    public var description: String { message }
}

extension ProcessSupervisor.Failure: CustomStringConvertible {
    public var description: String {
        switch self {
        case .cannotStart(let reason): return "cannot start: \(reason)"
        }
    }
}

extension ProcessSupervisor.SpawnFailure: CustomStringConvertible {
    public var description: String { reason }
}

extension SwarmService.Failure: CustomStringConvertible {
    public var description: String {
        switch self {
        case .secretInEnv(let deployment, let variable, let secret):
            return "deployment '\(deployment)': env \(variable) would hold the value of secret \(secret) in plain text"
        case .noImage(let deployment): return "deployment '\(deployment)' has no image"
        }
    }
}

extension HealthFailure: CustomStringConvertible {
    public var description: String { "\(deployment): \(check): \(observed) (expected \(threshold))" }
}

extension PythonSyntaxError: CustomStringConvertible {
    public var description: String { "line \(line): \(message)" }
}

extension ProbeFailure: CustomStringConvertible {
    var description: String { reason }
}

extension SourceTranscoder.Failure: CustomStringConvertible {
    var description: String { offset.map { "\(message) (at byte \($0))" } ?? message }
}

extension JSONValue: CustomStringConvertible {
    /// Single-line JSON (`{"loc": ["body", "x"]}`), never `object(["loc": …])`.
    public var description: String { JSONWriter.compactText(self) }
}

extension ReloadFailure: CustomStringConvertible {
    public var description: String {
        switch self {
        case .notDeployed: return "nothing is deployed"
        case .unknownDeployment(let name, let known):
            return "no deployment '\(name)' in the live release (deployments: \(known.isEmpty ? "none" : known.joined(separator: ", ")))"
        case .notReloadable(let name, let reason): return "deployment '\(name)' cannot be reloaded: \(reason)"
        case .beyondConfig(let deployment, let fields):
            return "deployment '\(deployment)' changed beyond its config (\(fields.joined(separator: ", "))): that is a deploy"
        case .unsupportedTarget(let what): return "reload is not available for \(what)"
        case .release(let failure): return failure.description
        }
    }
}

extension OperationFailure: CustomStringConvertible {
    public var description: String {
        func list(_ names: [String]) -> String { names.isEmpty ? "none" : names.joined(separator: ", ") }
        switch self {
        case .notDeployed(let environment): return "nothing is deployed in \(environment)"
        case .unknownDeployment(let name, let known): return "no deployment '\(name)' in the live release (deployments: \(list(known)))"
        case .chooseDeployment(let known): return "name a deployment (deployments: \(list(known)))"
        case .unknownHost(let host, let deployment, let hosts): return "deployment '\(deployment)' does not run on \(host) (hosts: \(list(hosts)))"
        case .unsupported(let target, let reason): return "not available for a `\(target.rawValue)` environment: \(reason)"
        case .noSuchRelease(let id, let deployment, let available):
            return "the output of \(deployment) in release \(id) is not kept (kept: \(list(available)))"
        case .noTimestamps(let reason): return "--since cannot apply: \(reason)"
        case .state(let reason), .command(let reason): return reason
        case .host(let failure): return failure.description
        case .prefect(let failure): return failure.description
        }
    }
}
