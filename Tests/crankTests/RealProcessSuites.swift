import Testing

/// The heaviest real-process suites (kill -9 rounds, simulated hosts, fault injection) run one
/// after another: on a 2-core machine several of them at once starve every process they start
/// (Python needs seconds to answer), and health gates would time out for reasons that are not
/// crank's. Other suites still run beside them.
@Suite("heavy real-process suites, one at a time", .serialized)
enum RealProcessSuites {}

/// The suites that drive podman (containers, kill -9 of container deploys): one at a time, since
/// podman serialises its own work behind a lock and a killed podman call slows the next ones.
@Suite("podman suites, one at a time", .serialized)
enum ContainerSuites {}
