import Dispatch
import Foundation

/// The result of `crank discover`: every flow and every problem, sorted by file then line.
public struct DiscoveryReport: Equatable, Sendable, Encodable {
    public var root: String
    public var flows: [Flow]
    public var diagnostics: [Diagnostic]

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    public var errorCount: Int { diagnostics.filter { $0.severity == .error }.count }
    public var warningCount: Int { diagnostics.filter { $0.severity == .warning }.count }
}

/// Static flow discovery: walk, scan files on all cores, merge, report.
public enum FlowDiscovery {
    /// - Parameters:
    ///   - root: absolute project root; output paths are relative to it.
    ///   - paths: PATH arguments (absolute, or relative to `currentDirectory`); empty means the root.
    ///   - excludes: `--exclude` globs.
    ///   - followSymlinks: follow symlinks that leave the root and the PATHs (bounded; see `SourceTreeWalker`).
    public static func discover(
        root: String, paths: [String] = [], excludes: [String] = [],
        currentDirectory: String = FileManager.default.currentDirectoryPath, followSymlinks: Bool = false
    ) -> DiscoveryReport {
        let root = PathResolver.absolute(root, from: currentDirectory)
        let starts = (paths.isEmpty ? [root] : paths).map { PathResolver.absolute($0, from: currentDirectory) }
        // Naming a PATH outside the root asks for it; one inside that leads out through a symlink does not.
        let outside = starts.filter { PathResolver.display($0, root: root).hasPrefix("/") }
        let boundaries = ([root] + outside).compactMap(SourceTreeWalker.realPath)
        var walker = SourceTreeWalker(excludes: excludes.map(ExcludePattern.init), followSymlinks: followSymlinks, boundaries: boundaries)
        for absolute in starts {
            walker.add(path: absolute, displayPath: PathResolver.display(absolute, root: root))
        }
        let parsed = scanConcurrently(walker.files)
        var flows = parsed.flatMap(\.flows)
        var diagnostics = walker.diagnostics + parsed.flatMap(\.diagnostics)
        flows.sort { ($0.file, $0.line) < ($1.file, $1.line) }
        diagnostics += duplicateNames(flows)
        diagnostics.sort { ($0.file, $0.line ?? 0, $0.code.rawValue) < ($1.file, $1.line ?? 0, $1.code.rawValue) }
        return DiscoveryReport(root: root, flows: flows, diagnostics: diagnostics)
    }

    /// Discovery as a project's config describes it: `flows.paths` and `flows.exclude`.
    public static func discover(for effective: EffectiveConfig) -> DiscoveryReport {
        let root = effective.root
        return discover(root: root, paths: effective.config.flows.paths.map { root + "/" + $0 },
                        excludes: effective.config.flows.exclude, currentDirectory: root,
                        followSymlinks: effective.config.flows.followSymlinks)
    }

    /// Scans files on every core; each worker reuses one scanner (and its buffers).
    static func scanConcurrently(_ files: [SourceFile]) -> [ParsedFile] {
        let collector = ParsedFileCollector(files: files)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, files.count / 8))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var scanner = PythonFileScanner()
            var local: [ParsedFile] = []
            while let batch = collector.nextBatch() {
                for file in batch {
                    let parsed = scanner.scan(path: file.path, displayPath: file.displayPath)
                    if !parsed.flows.isEmpty || !parsed.diagnostics.isEmpty { local.append(parsed) }
                }
            }
            collector.add(local)
        }
        return collector.results
    }

    static func duplicateNames(_ flows: [Flow]) -> [Diagnostic] {
        var firstByName: [String: Int] = [:]
        firstByName.reserveCapacity(flows.count)
        var diagnostics: [Diagnostic] = []
        for (index, flow) in flows.enumerated() {
            guard let firstIndex = firstByName[flow.name] else {
                firstByName[flow.name] = index
                continue
            }
            let first = flows[firstIndex]
            diagnostics.append(Diagnostic(
                file: flow.file, line: flow.line, severity: .warning, code: .duplicateName,
                message: "flow name '\(flow.name)' is also used by \(first.entrypoint) (line \(first.line))",
                hint: "give one of them a distinct name= so deployments do not collide"))
        }
        return diagnostics
    }
}

/// Hands out batches of files to workers and gathers their results.
final class ParsedFileCollector: @unchecked Sendable {
    private let lock = NSLock()
    private let files: [SourceFile]
    private var next = 0
    private var gathered: [ParsedFile] = []
    static let batchSize = 16

    init(files: [SourceFile]) {
        self.files = files
    }

    func nextBatch() -> ArraySlice<SourceFile>? {
        lock.lock()
        defer { lock.unlock() }
        guard next < files.count else { return nil }
        let end = min(next + Self.batchSize, files.count)
        defer { next = end }
        return files[next..<end]
    }

    func add(_ parsed: [ParsedFile]) {
        lock.lock()
        gathered += parsed
        lock.unlock()
    }

    var results: [ParsedFile] {
        lock.lock()
        defer { lock.unlock() }
        return gathered
    }
}
