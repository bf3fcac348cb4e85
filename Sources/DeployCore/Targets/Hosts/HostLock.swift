import Foundation

/// The deploy lock of an environment with hosts, kept on its first host so that two machines
/// deploying to the same hosts exclude each other: an atomic `mkdir
/// <root>/.crank-lock/<project>-<env>` with `holder.json` written inside in the same call. A pid
/// on another machine cannot be checked, so a lock is stale only once past its TTL.
public struct HostLock: EnvironmentLock {
    public let transport: SSHTransport
    public let directory: String
    public let runner: any CommandRunner

    public init(transport: SSHTransport, project: String, environment: String, runner: any CommandRunner) {
        self.transport = transport
        directory = "\(transport.host.root)/.crank-lock/\(project)-\(environment)"
        self.runner = runner
    }

    func remote(_ script: String, input: Data? = nil) throws(DeployLock.Failure) -> CommandResult {
        let result = runner.run(transport.script(script, arguments: [directory]).with(input: input), timeout: 30)
        if result.status == 255 { throw .cannotWrite("the lock host \(transport.host.name): \(transport.failure(result, runner: runner))", hint: "") }
        return result
    }

    public func holder() async throws(DeployLock.Failure) -> DeployLock.Holder? {
        let result = try remote("[ -d \"$1\" ] || exit 3; cat \"$1/holder.json\" 2>/dev/null; exit 0")
        if result.status == 3 { return nil }
        guard let holder = try? FileStateStore.decoder.decode(DeployLock.Holder.self, from: Data(result.stdout.utf8)) else {
            // A directory without a readable holder (a crank killed between mkdir and write): unknown,
            // stale once older than the TTL like any other lock.
            return DeployLock.Holder.unknown("directory \(transport.host.name):\(directory)", reason: "no readable holder.json", since: Date())
        }
        return holder
    }

    public func acquire(command: String, wait: TimeInterval) async throws(DeployLock.Failure) -> DeployLock.Holder? {
        var holder = DeployLock.Holder.current(command: command)
        holder.ttlSeconds = DeployLock.defaultTTL
        let data: Data
        do { data = try FileStateStore.encoder.encode(holder) } catch { throw .cannotWrite("\(error)", hint: "") }
        return try await LockAcquisition.run(wait: wait, location: "directory \(transport.host.name):\(directory)", tryCreate: { () throws(DeployLock.Failure) -> Bool in
            let result = try remote("mkdir -p \"$(dirname \"$1\")\" && mkdir \"$1\" 2>/dev/null || exit 3; cat > \"$1/holder.json\"", input: data)
            return result.status == 0
        }, holder: { () throws(DeployLock.Failure) -> DeployLock.Holder? in try await self.holder() },
           remove: { () throws(DeployLock.Failure) in _ = try remote("rm -rf \"$1\"") })
    }

    @discardableResult
    public func release(force: Bool) async -> Bool {
        guard let current = try? await holder() else { return false }
        guard force || current.isMine else { return false }
        return (try? remote("rm -rf \"$1\""))?.status == 0
    }
}
