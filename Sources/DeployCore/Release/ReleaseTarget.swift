/// What `crank deploy|rollback|status|start|stop|restart|clean` drive: the local engine
/// (supervised processes) or the Prefect engine (deployments in a Prefect server).
public protocol ReleaseTarget: Sendable {
    /// Told about each deployment as soon as it is done (the CLI prints a line per deployment).
    var progress: (@Sendable (DeploymentResult) -> Void)? { get set }
    func plan(_ manifest: BuildManifest) async throws(ReleaseEngine.Failure) -> PlanDiff
    func deploy(_ manifest: BuildManifest, options: DeployOptions) async throws(ReleaseEngine.Failure) -> ReleaseOutcome
    func rollback(to requested: String?) async throws(ReleaseEngine.Failure) -> ReleaseOutcome
    func status() async throws(ReleaseEngine.Failure) -> EnvironmentStatus
    func lifecycle(_ action: String, names: [String]) async throws(ReleaseEngine.Failure) -> [DeploymentResult]
    func clean() async throws(ReleaseEngine.Failure) -> [DeploymentResult]
    /// Run once the environment's lock is held, before the command's own work: takes back
    /// what a killed crank left (orphaned processes) and, when `interrupted` names releases
    /// whose deploy died half-way, puts the live release back where that deploy changed it.
    func recover(after interrupted: [ReleaseRecord]) async throws(ReleaseEngine.Failure) -> [DeploymentResult]
}

extension ReleaseEngine: ReleaseTarget {
    /// The desired deployments against the live release's record.
    public func plan(_ manifest: BuildManifest) async throws(Failure) -> PlanDiff {
        try await ledger.plan(manifest)
    }
}

extension ReleaseTarget {
    /// Nothing to put back by default (the Prefect target's state is the server's).
    public func recover(after interrupted: [ReleaseRecord]) async throws(ReleaseEngine.Failure) -> [DeploymentResult] { [] }
}
