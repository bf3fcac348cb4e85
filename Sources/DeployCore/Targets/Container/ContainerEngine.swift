import Foundation

/// The podman or docker CLI (the same arguments work for both), run through a
/// `CommandRunner`. Secret values reach a container through an env-file that exists only
/// while `run` starts it — never argv.
public struct ContainerEngine: Sendable {
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var command: String
        public var output: String
        public var description: String { "`\(command)` failed: \(output)" }
    }

    /// What `inspect` tells about a container.
    public struct State: Equatable, Sendable {
        public var name: String
        public var running: Bool
        /// running, exited, created, …
        public var status: String
        public var exitCode: Int
        public var restarts: Int
        public var image: String
        public var startedAt: String
        public var labels: [String: String] = [:]
    }

    public let executable: String
    let runner: any CommandRunner
    /// Variables the engine needs (CONTAINERS_CONF, DOCKER_HOST, PATH, HOME, …).
    let environment: [String: String]
    /// `run` reads its env-file from stdin instead of a local temporary file: for an engine on
    /// another machine (over ssh), where a file crank writes here does not exist.
    public var envFileFromStdin = false

    public init(executable: String, runner: any CommandRunner, environment: [String: String]) {
        self.executable = executable
        self.runner = runner
        self.environment = environment
    }

    @discardableResult
    func call(_ arguments: [String], timeout: TimeInterval = 120, input: Data? = nil) throws(Failure) -> String {
        let result = runner.run(ShellCommand(executable, arguments, environment: environment, input: input), timeout: timeout)
        try Self.check(result, command: ([executable] + arguments.prefix(3)).joined(separator: " "), timeout: timeout)
        return result.stdout
    }

    /// A failed or timed-out call as a `Failure` naming the command and the tail of its output.
    static func check(_ result: CommandResult, command: String, timeout: TimeInterval) throws(Failure) {
        guard result.status == 0, !result.timedOut else {
            let output = (result.stderr.isEmpty ? result.stdout : result.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(command: command, output: result.timedOut ? "timed out after \(Int(timeout)) s" : String(output.suffix(600)))
        }
    }

    /// A read-only listing (`ps`, `images`), tried three times: podman fails a listing that
    /// races an image or container another process is removing ("file does not exist").
    func listing(_ arguments: [String]) throws(Failure) -> String {
        var attempt = 0
        while true {
            do throws(Failure) {
                return try call(arguments, timeout: 30)
            } catch {
                attempt += 1
                if attempt == 3 { throw error }
                usleep(useconds_t(200_000 * attempt))
            }
        }
    }

    /// Runs a build or push command the builder planned, with this engine's environment.
    func run(_ command: ShellCommand, timeout: TimeInterval = 900) throws(Failure) {
        var planned = command
        planned.environment = (command.environment ?? [:]).merging(environment) { own, _ in own }
        try Self.check(runner.run(planned, timeout: timeout), command: command.description, timeout: timeout)
    }

    public func imageExists(_ reference: String) -> Bool {
        (try? call(["image", "inspect", "--format", "{{.Id}}", reference], timeout: 30)) != nil
    }

    func tag(_ source: String, as target: String) throws(Failure) {
        try call(["tag", source, target], timeout: 30)
    }

    func removeImage(_ reference: String) throws(Failure) {
        try call(["rmi", reference], timeout: 60)
    }

    /// Tags of `repository`, as `REPO:TAG` references spelled the way `repository` is.
    ///
    /// `images REPO` also lists the other names of the images it matches, hence the filter. The
    /// docker CLI prints Docker Hub names in their short form (`docker.io/team/app` as
    /// `team/app`, `docker.io/library/app` as `app`) where podman prints them in full, so both
    /// spellings match; podman's output is filtered exactly as before.
    /// Throws when the engine does not answer: "no tags" must never be a guess.
    func tags(of repository: String) throws(Failure) -> [String] {
        let output = try listing(["images", "--format", "{{.Repository}}:{{.Tag}}", repository])
        let spellings: Set<String> = [repository, Self.shortHubName(repository)]
        return output.split(separator: "\n").compactMap { line -> String? in
            guard let colon = line.lastIndex(of: ":"), spellings.contains(String(line[..<colon])) else { return nil }
            return repository + line[colon...]
        }
    }

    /// Docker's short ("familiar") form of a Docker Hub repository; other names are unchanged.
    static func shortHubName(_ repository: String) -> String {
        for hub in ["docker.io/", "index.docker.io/"] where repository.hasPrefix(hub) {
            let path = repository.dropFirst(hub.count)
            return String(path.hasPrefix("library/") ? path.dropFirst("library/".count) : path)
        }
        return repository
    }

    /// What `run -d` starts.
    struct Launch: Sendable {
        var name: String
        var image: String
        var env: [String: String]
        /// Host port on `address` → container port.
        var publish: [(host: Int, container: Int)] = []
        /// The host address published ports bind.
        var address = "127.0.0.1"
        var labels: [String: String] = [:]
        var network: String?
        var restart = RestartPolicy.unlessStopped
        var resources = ResourceLimits()
    }

    /// `run -d` with an env-file (0600, removed as soon as the engine has read it; or stdin when
    /// `envFileFromStdin`): values never reach argv. An env-file holds one line per variable, so
    /// a value with a line break is refused.
    func start(_ launch: Launch) throws(Failure) -> String {
        if let name = launch.env.keys.sorted().first(where: { !TextRules.isEnvironmentName($0) }) {
            throw Failure(command: "run \(launch.name)",
                          output: "\(TextRules.display(name)) is not an environment variable name ([A-Za-z_][A-Za-z0-9_]*); an env-file cannot hold it")
        }
        if let network = launch.network, !TextRules.isEngineName(network) {
            throw Failure(command: "run \(launch.name)", output: "network \(TextRules.display(network)) is not a network name (letters, digits, _ . -)")
        }
        if let problem = ImageReference.problem(in: launch.image) {
            throw Failure(command: "run \(launch.name)", output: "image \(TextRules.display(launch.image)) is malformed: \(problem)")
        }
        if let name = launch.env.keys.sorted().first(where: { launch.env[$0]!.contains(where: \.isNewline) }) {
            throw Failure(command: "run \(launch.name)",
                          output: "the value of \(name) has a line break; engine env-files hold one line per variable (store it base64-encoded)")
        }
        let text = launch.env.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "\n") + "\n"
        if envFileFromStdin {
            return try call(Self.runArguments(launch, envFile: "/dev/stdin"), input: Data(text.utf8)).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let directory = FileManager.default.temporaryDirectory.path + "/crank-env-" + UUID().uuidString
        let file = directory + "/env"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try AtomicFile.write(Data(text.utf8), to: file, permissions: 0o600)
        } catch {
            throw Failure(command: "write env-file", output: "\(error)")
        }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try call(Self.runArguments(launch, envFile: file)).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `run -d …` for `launch`, its variables read from `envFile` (values never in argv).
    static func runArguments(_ launch: Launch, envFile: String) -> [String] {
        var arguments = ["run", "-d", "--name", launch.name, "--env-file", envFile, "--restart", launch.restart.rawValue, "--init"]
        for (host, container) in launch.publish { arguments += ["-p", "\(launch.address):\(host):\(container)"] }
        for (key, value) in launch.labels.sorted(by: { $0.key < $1.key }) { arguments += ["--label", "\(key)=\(value)"] }
        if let network = launch.network { arguments += ["--network", network] }
        if let cpus = launch.resources.cpus { arguments += ["--cpus", cpus] }
        if let memory = launch.resources.memory { arguments += ["--memory", memory] }
        return arguments + [launch.image]
    }

    func stop(_ name: String, grace: Int) throws(Failure) {
        try call(["stop", "-t", String(grace), name], timeout: TimeInterval(grace + 30))
    }

    func startExisting(_ name: String) throws(Failure) {
        try call(["start", name])
    }

    /// `crank reload`: a container that took a release's config in place carries that release's name.
    func rename(_ name: String, to newName: String) throws(Failure) {
        try call(["rename", name, newName], timeout: 60)
    }

    func remove(_ name: String) {
        _ = try? call(["rm", "-f", name], timeout: 60)
    }

    /// Names of the containers carrying every label in `labels`, running or not.
    /// Throws when the engine does not answer: "no containers" must never be a guess (a
    /// recreate would not stop the old one, a clean would forget running ones).
    func containers(labeled labels: [String: String]) throws(Failure) -> [String] {
        var arguments = ["ps", "-a", "--format", "{{.Names}}"]
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) { arguments += ["--filter", "label=\(key)=\(value)"] }
        let output = try listing(arguments)
        return output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.sorted()
    }

    static let stateFormat = "{{.Name}}|{{.State.Running}}|{{.State.Status}}|{{.State.ExitCode}}|{{.RestartCount}}|{{.Config.Image}}|{{.State.StartedAt}}|{{json .Config.Labels}}"

    public func inspect(_ name: String) -> State? {
        guard let output = try? call(["inspect", "--type", "container", "--format", Self.stateFormat, name], timeout: 30) else { return nil }
        return Self.state(from: Substring(output.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// The containers carrying `labels` with their state: one `ps` and one `inspect` of them all.
    func states(labeled labels: [String: String]) throws(Failure) -> [State] {
        let names = try containers(labeled: labels)
        guard !names.isEmpty else { return [] }
        if let output = try? call(["inspect", "--type", "container", "--format", Self.stateFormat] + names, timeout: 30) {
            let states = output.split(separator: "\n").compactMap(Self.state(from:))
            if states.count == names.count { return states.sorted { $0.name < $1.name } }
        }
        // One was removed between `ps` and `inspect` (the engine then fails the whole call).
        return names.compactMap(inspect)
    }

    static func state(from line: Substring) -> State? {
        let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 8 else { return nil }
        var labels: [String: String] = [:]
        if case .object(let values)? = try? JSONReader.parse(Data(fields[7...].joined(separator: "|").utf8)) {
            for (key, value) in values { if case .string(let text) = value { labels[key] = text } }
        }
        return State(name: fields[0].hasPrefix("/") ? String(fields[0].dropFirst()) : fields[0], running: fields[1] == "true", status: fields[2],
                     exitCode: Int(fields[3]) ?? 0, restarts: Int(fields[4]) ?? 0, image: fields[5], startedAt: fields[6], labels: labels)
    }
}
