import Testing

/// The heaviest real-process suites (kill -9 rounds, simulated hosts, fault injection) run one
/// after another: on a 2-core machine several of them at once starve every process they start
/// (Python needs seconds to answer), and health gates would time out for reasons that are not
/// crank's. Other suites still run beside them.
@Suite("heavy real-process suites, one at a time", .serialized)
enum RealProcessSuites {}
