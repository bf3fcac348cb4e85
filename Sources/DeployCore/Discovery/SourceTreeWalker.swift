#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Python file to scan: where to read it and how to name it in output.
struct SourceFile: Sendable {
    var path: String
    var displayPath: String
}

/// Lists the `.py` files under the given paths with POSIX directory reads, skipping
/// hidden and tool directories and `--exclude` globs, following directory symlinks
/// once each (a symlink loop is reported and cut, never followed forever).
struct SourceTreeWalker {
    static let skippedDirectories: Set<String> = [
        ".venv", "venv", "site-packages", "__pycache__", "node_modules", "build", "dist",
    ]

    struct DirectoryID: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    let excludes: [ExcludePattern]
    var files: [SourceFile] = []
    var diagnostics: [Diagnostic] = []
    private var visited: Set<DirectoryID> = []
    private var ancestors: [DirectoryID] = []

    init(excludes: [ExcludePattern]) {
        self.excludes = excludes
    }

    /// Adds one explicit PATH: a directory is walked, a file is taken as it is.
    mutating func add(path: String, displayPath: String) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            diagnostics.append(Diagnostic(
                file: displayPath, line: nil, severity: .error, code: .pathNotFound,
                message: "path does not exist", hint: "check the PATH argument (it is relative to the current directory)"))
            return
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            walk(directory: path, displayPath: displayPath, info: info)
        } else {
            files.append(SourceFile(path: path, displayPath: displayPath))
        }
    }

    private mutating func walk(directory: String, displayPath: String, info: stat) {
        let id = DirectoryID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        if ancestors.contains(id) {
            diagnostics.append(Diagnostic(
                file: displayPath, line: nil, severity: .warning, code: .symlinkLoop,
                message: "symlink loop: this directory contains itself; not followed again"))
            return
        }
        guard visited.insert(id).inserted else { return }
        guard let handle = opendir(directory) else {
            diagnostics.append(Diagnostic(
                file: displayPath, line: nil, severity: .error, code: .unreadableFile,
                message: "cannot read directory: \(String(cString: strerror(errno)))",
                hint: "check its permissions, or exclude it with --exclude"))
            return
        }
        var entries: [(name: String, type: UInt8)] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name == "." || name == ".." { continue }
            entries.append((name, entry.pointee.d_type))
        }
        closedir(handle)
        ancestors.append(id)
        defer { ancestors.removeLast() }
        for (name, type) in entries.sorted(by: { $0.name < $1.name }) {
            let childPath = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            let childDisplay = displayPath.isEmpty ? name : (displayPath == "/" ? "/" + name : displayPath + "/" + name)
            visit(name: name, type: type, path: childPath, displayPath: childDisplay)
        }
    }

    private mutating func visit(name: String, type: UInt8, path: String, displayPath: String) {
        let isPython = name.hasSuffix(".py")
        switch Int32(type) {
        case Int32(DT_DIR):
            guard !isSkipped(directory: name, displayPath: displayPath) else { return }
            var info = stat()
            guard lstat(path, &info) == 0 else { return }
            walk(directory: path, displayPath: displayPath, info: info)
        case Int32(DT_REG):
            if isPython && !isExcluded(name: name, displayPath: displayPath) {
                files.append(SourceFile(path: path, displayPath: displayPath))
            }
        default:  // symlinks, unknown types, FIFOs, sockets, devices
            var info = stat()
            guard stat(path, &info) == 0 else {
                if isPython && !isExcluded(name: name, displayPath: displayPath) {
                    diagnostics.append(Diagnostic(
                        file: displayPath, line: nil, severity: .warning, code: .brokenSymlink,
                        message: "symlink target does not exist; skipped"))
                }
                return
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                guard !isSkipped(directory: name, displayPath: displayPath) else { return }
                walk(directory: path, displayPath: displayPath, info: info)
            case S_IFREG:
                if isPython && !isExcluded(name: name, displayPath: displayPath) {
                    files.append(SourceFile(path: path, displayPath: displayPath))
                }
            default:
                if isPython && !isExcluded(name: name, displayPath: displayPath) {
                    diagnostics.append(Diagnostic(
                        file: displayPath, line: nil, severity: .warning, code: .notARegularFile,
                        message: "not a regular file (FIFO, socket or device); skipped"))
                }
            }
        }
    }

    private func isSkipped(directory name: String, displayPath: String) -> Bool {
        name.hasPrefix(".") || Self.skippedDirectories.contains(name) || isExcluded(name: name, displayPath: displayPath)
    }

    private func isExcluded(name: String, displayPath: String) -> Bool {
        excludes.contains { $0.matches(name: name, path: displayPath) }
    }
}

/// An `--exclude` glob. With a `/` (or a leading `./`) it matches the path relative to
/// the project root; without, any file or directory name. A trailing `/` is ignored.
public struct ExcludePattern: Equatable, Sendable {
    public let pattern: String
    let matchesPath: Bool

    public init(_ glob: String) {
        var trimmed = glob
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        var anchored = false
        while trimmed.hasPrefix("./") || (trimmed.hasPrefix("/") && trimmed.count > 1) {
            trimmed.removeFirst(trimmed.hasPrefix("./") ? 2 : 1)
            anchored = true
        }
        pattern = trimmed
        matchesPath = anchored || trimmed.contains("/")
    }

    func matches(name: String, path: String) -> Bool {
        fnmatch(pattern, matchesPath ? path : name, 0) == 0
    }
}
