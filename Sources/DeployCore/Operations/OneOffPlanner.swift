import Foundation

/// Builds `crank exec`'s command for an environment's target: the live release's code, env and
/// secrets, a process next to the deployment's (local, hosts) or a one-off container of the
/// release's image (container target).
public enum OneOffPlanner {
    /// `terminal`: stdin is a terminal (a pseudo-terminal is asked for: `podman run -t`, `ssh -t`).
    public static func plan(_ engine: any ReleaseTarget, live: LiveDeployment, command: [String], host: String?,
                            terminal: Bool, processEnvironment: [String: String]) throws(OperationFailure) -> OneOffPlan {
        guard !command.isEmpty else { throw .state("no command to run") }
        let deployment = live.deployment
        let release = live.release.id
        switch engine {
        case let local as ReleaseEngine:
            if host != nil { throw .unsupported(target: .local, reason: "--host applies to environments with hosts") }
            let directory = SourceSnapshot.directory(root: local.effective.root, environment: local.runtime.environment, release: release)
            guard FileManager.default.fileExists(atPath: directory) else {
                throw .state("the release directory of \(release) is gone (\(directory)); deploy again")
            }
            // `sh -c 'cd DIR && exec "$@"'` like the supervisor: the program replaces sh, so its
            // exit status and a signal that ends it reach crank unchanged.
            return OneOffPlan(deployment: deployment.name, release: release, host: nil,
                              argv: ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory] + command,
                              environment: local.runtime.environment(for: deployment, release: release),
                              redactor: redactor(live, local.runtime.secrets), userCommand: command)
        case let containers as ContainerReleaseEngine:
            if host != nil { throw .unsupported(target: .container, reason: "--host applies to environments with hosts") }
            let env = containers.variables(deployment, release: release)
            let file = FileManager.default.temporaryDirectory.path + "/crank-env-" + UUID().uuidString + "/env"
            let arguments = try containerRun(containers, live: live, env: env, envFile: file, terminal: terminal, command: command)
            return OneOffPlan(deployment: deployment.name, release: release, host: nil, argv: [containers.engine.executable] + arguments,
                              environment: containers.engine.environment, envFile: PrivateFile(path: file, contents: try envFileText(env)),
                              redactor: redactor(live, containers.secrets), userCommand: command)
        case let hosts as HostReleaseEngine:
            let chosen = try choose(host, of: HostReleaseEngine.hosts(deployment), deployment: deployment.name)
            let env = hosts.variables(HostReleaseEngine.Placement(deployment: deployment, host: chosen), release: release)
            let transport = hosts.transport(chosen)
            let envPath = "\(chosen.root)/run/\(hosts.environment)/.exec-\(UUID().uuidString).env"
            // Not `exec`: the remote sh waits and exits with the program's status, 128+n for a signal
            // (ssh itself would report a remote signal as 255).
            let remote = ["/bin/sh", "-c", "set -a; . \"$1\"; set +a; rm -f \"$1\"; cd \"$2\" || exit 127; shift 2; \"$@\"; exit $?",
                          "crank-exec", envPath, hosts.releaseDirectory(chosen, release: release)] + command
            return OneOffPlan(deployment: deployment.name, release: release, host: chosen.name,
                              argv: ssh(transport, remote, terminal: terminal), environment: processEnvironment,
                              before: [transport.write(RemoteSupervisor.environmentFile(env), to: envPath)],
                              redactor: redactor(live, hosts.secrets), userCommand: command)
        case let hosts as HostContainerReleaseEngine:
            let chosen = try choose(host, of: HostReleaseEngine.hosts(deployment), deployment: deployment.name)
            let onHost = hosts.onHost(chosen)
            let env = onHost.variables(deployment, release: release)
            let transport = hosts.fleet.transport(chosen)
            let envPath = "\(chosen.root)/run/\(hosts.environment)/.exec-\(UUID().uuidString).env"
            let run = try containerRun(onHost, live: live, env: env, envFile: envPath, terminal: terminal, command: command)
            let remote = ["/bin/sh", "-c", "f=$1; shift; \"$@\"; s=$?; rm -f \"$f\"; exit $s", "crank-exec", envPath, onHost.engine.executable] + run
            return OneOffPlan(deployment: deployment.name, release: release, host: chosen.name,
                              argv: ssh(transport, remote, terminal: terminal), environment: processEnvironment,
                              before: [transport.write(try envFileText(env), to: envPath)],
                              redactor: redactor(live, hosts.local.secrets), userCommand: command)
        case is SwarmReleaseEngine:
            throw .unsupported(target: .swarm, reason: "Swarm runs services, not one-off tasks: run the command in a task's container on its node (`docker ps --filter label=com.docker.swarm.service.name=…` then `docker exec -it CONTAINER …`)")
        case is PrefectReleaseEngine:
            throw .unsupported(target: .prefect, reason: "a flow deployment has no process or image of its own to run a command next to; run the flow with `crank smoke`, or the code locally from the project")
        default:
            throw .unsupported(target: .local, reason: "this target has no one-off commands")
        }
    }

    /// `run --rm -i [-t] --init --name … --env-file FILE [--network N] IMAGE COMMAND…`: the release's
    /// image, the deployment's environment, no port published and no crank labels (the engine
    /// never mistakes it for the deployment's container).
    static func containerRun(_ containers: ContainerReleaseEngine, live: LiveDeployment, env: [String: String], envFile: String,
                             terminal: Bool, command: [String]) throws(OperationFailure) -> [String] {
        guard let image = ContainerReleaseEngine.releaseImage(live.deployment, release: live.release.id) else {
            throw .state("the live release \(live.release.id) records no image for \(live.deployment.name)")
        }
        let name = "\(containers.project)-\(live.deployment.name)-exec-\(UUID().uuidString.prefix(8).lowercased())"
        var arguments = ["run", "--rm", "-i"] + (terminal ? ["-t"] : []) + ["--init", "--name", name, "--env-file", envFile]
        if let network = containers.settings?.containerNetwork, !network.isEmpty { arguments += ["--network", network] }
        return arguments + [image] + command
    }

    /// One `NAME=value` line per variable (an engine env-file); a value with a line break cannot be held.
    static func envFileText(_ env: [String: String]) throws(OperationFailure) -> Data {
        if let name = env.keys.sorted().first(where: { env[$0]!.contains(where: \.isNewline) }) {
            throw .state("the value of \(name) has a line break; engine env-files hold one line per variable (store it base64-encoded)")
        }
        return Data((env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n") + "\n").utf8)
    }

    /// The deployment's host named `name`, else the first it runs on.
    static func choose(_ name: String?, of hosts: [HostSpec], deployment: String) throws(OperationFailure) -> HostSpec {
        guard let first = hosts.first else { throw .state("the live release places \(deployment) on no host") }
        guard let name else { return first }
        guard let host = hosts.first(where: { $0.name == name }) else { throw .unknownHost(name, deployment: deployment, hosts: hosts.map(\.name)) }
        return host
    }

    /// `ssh -t|-T OPTIONS HOST 'REMOTE…'` (a pseudo-terminal only when crank's stdin is one).
    static func ssh(_ transport: SSHTransport, _ remote: [String], terminal: Bool) -> [String] {
        let command = transport.command(remote)
        return [command.executable, terminal ? "-t" : "-T"] + command.arguments
    }

    static func redactor(_ live: LiveDeployment, _ secrets: SecretStore) -> Redactor {
        secrets.redactor(for: live.secretNames)
    }
}
