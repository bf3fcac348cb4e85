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
        try read()?.holder
    }

    /// The holder and the exact text it was read from (a take-over removes only that holder).
    func read() throws(DeployLock.Failure) -> (holder: DeployLock.Holder, text: String)? {
        // First line: the directory's modification time; the rest: holder.json.
        let result = try remote("[ -d \"$1\" ] || exit 3; stat -c %Y \"$1\"; cat \"$1/holder.json\" 2>/dev/null; exit 0")
        if result.status == 3 { return nil }
        guard result.status == 0 else { throw .cannotWrite("cannot read the lock on \(transport.host.name): \(result.stderr)", hint: "") }
        let (first, rest) = result.stdout.firstLine
        guard let holder = try? FileStateStore.decoder.decode(DeployLock.Holder.self, from: Data(rest.utf8)) else {
            // A directory without a readable holder (a crank killed between mkdir and write): unknown,
            // stale once its directory is older than the TTL, like any other lock.
            let since = Double(first).map { Date(timeIntervalSince1970: $0) } ?? Date()
            return (DeployLock.Holder.unknown("directory \(transport.host.name):\(directory)", reason: "no readable holder.json", since: since), rest)
        }
        return (holder, rest)
    }

    public func acquire(command: String, wait: TimeInterval) async throws(DeployLock.Failure) -> DeployLock.Holder? {
        var holder = DeployLock.Holder.current(command: command)
        holder.ttlSeconds = DeployLock.defaultTTL
        let data: Data
        do { data = try FileStateStore.encoder.encode(holder) } catch { throw .cannotWrite("\(error)", hint: "") }
        let seen = SeenText()
        return try await LockAcquisition.run(wait: wait, location: "directory \(transport.host.name):\(directory)", tryCreate: { () throws(DeployLock.Failure) -> Bool in
            // exit 3: it exists (held); any other failure is an error, not a holder.
            let result = try remote("mkdir -p \"$(dirname \"$1\")\" || exit 4; mkdir \"$1\" 2>/dev/null || { [ -d \"$1\" ] && exit 3; exit 4; }; cat > \"$1/holder.json\"", input: data)
            if result.status == 3 { return false }
            guard result.status == 0 else {
                throw .cannotWrite("cannot create the lock \(directory) on \(transport.host.name): \(result.stderr)", hint: "check that \(transport.host.root) is writable on \(transport.host.name)")
            }
            return true
        }, holder: { () throws(DeployLock.Failure) -> DeployLock.Holder? in
            let found = try read()
            seen.text = found?.text ?? ""
            return found?.holder
        }, remove: { () throws(DeployLock.Failure) in
            // Only the stale holder just read goes: renamed aside (atomic) when its holder.json still
            // says the same, so two takers cannot remove each other's fresh lock.
            _ = try remote("[ -d \"$1\" ] || exit 0; expected=$(cat); current=$(cat \"$1/holder.json\" 2>/dev/null); "
                           + "[ \"$current\" = \"$expected\" ] || exit 0; aside=\"$1.stale.$$\"; mv \"$1\" \"$aside\" && rm -rf \"$aside\"",
                           input: Data(seen.text.utf8))
        })
    }

    @discardableResult
    public func release(force: Bool) async -> Bool {
        guard let current = try? await holder() else { return false }
        guard force || current.isMine else { return false }
        return (try? remote("rm -rf \"$1\""))?.status == 0
    }
}

/// The holder text a take-over compares against (set and read within one acquisition).
private final class SeenText: @unchecked Sendable {
    var text = ""
}

extension String {
    /// The first line and the rest.
    var firstLine: (String, String) {
        guard let newline = firstIndex(of: "\n") else { return (self, "") }
        return (String(self[..<newline]), String(self[index(after: newline)...]))
    }
}
