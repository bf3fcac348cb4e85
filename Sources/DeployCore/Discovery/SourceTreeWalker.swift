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
/// hidden and tool directories and `--exclude` globs. Each real directory is walked once
/// (a symlink loop is reported and cut). A symlink whose target lies outside the
/// boundaries (the project root and the PATHs named) is reported, not followed, unless
/// `followSymlinks`; then the walk below it stays on the target's filesystem and stops
/// after `outsideBudget` directories.
struct SourceTreeWalker {
    static let skippedDirectories: Set<String> = [
        ".venv", "venv", "site-packages", "__pycache__", "node_modules", "build", "dist",
    ]
    static let outsideDirectoryBudget = 10_000

    struct DirectoryID: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    /// A walk below a symlink that left the boundaries: where it started, which filesystem.
    struct Escape {
        var displayPath: String
        var device: UInt64
    }

    let excludes: [ExcludePattern]
    let followSymlinks: Bool
    /// Real paths (symlinks resolved) that symlinks may point into.
    let boundaries: [String]
    /// Directories a followed symlink out of the root may lead through, in all.
    let outsideBudget: Int
    var outsideWalked = 0
    var files: [SourceFile] = []
    var diagnostics: [Diagnostic] = []
    var escape: Escape?
    var budgetReported = false
    private var visited: Set<DirectoryID> = []
    private var ancestors: [DirectoryID] = []

    init(excludes: [ExcludePattern], followSymlinks: Bool = false, boundaries: [String] = [],
         outsideBudget: Int = Self.outsideDirectoryBudget) {
        self.excludes = excludes
        self.followSymlinks = followSymlinks
        self.boundaries = boundaries
        self.outsideBudget = outsideBudget
    }

    /// Adds one explicit PATH: a directory is walked, a file is taken as it is.
    mutating func add(path: String, displayPath: String) {
        var info = stat()
        guard path.utf8.count < Int(PATH_MAX), stat(path, &info) == 0 else {
            if path.utf8.count >= Int(PATH_MAX) || errno == ENAMETOOLONG {
                return pathTooLong(displayPath, severity: .error)
            }
            diagnostics.append(Diagnostic(
                file: displayPath, line: nil, severity: .error, code: .pathNotFound,
                message: "path does not exist", hint: "check the PATH argument (it is relative to the current directory)"))
            return
        }
        let target = Self.realPath(path)
        let leavesRoot = target.map { !isInsideBoundaries($0) } ?? false
        if leavesRoot && !followSymlinks { return outsideRoot(displayPath, target: target) }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            escape = leavesRoot ? Escape(displayPath: displayPath, device: UInt64(info.st_dev)) : nil
            walk(directory: path, displayPath: displayPath, info: info)
            escape = nil
        } else {
            files.append(SourceFile(path: path, displayPath: displayPath))
        }
    }

    mutating func walk(directory: String, displayPath: String, info: stat) {
        let id = DirectoryID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
        if ancestors.contains(id) {
            diagnostics.append(Diagnostic(
                file: displayPath, line: nil, severity: .warning, code: .symlinkLoop,
                message: "symlink loop: this directory contains itself; not followed again"))
            return
        }
        guard visited.insert(id).inserted, withinEscapeBounds(displayPath: displayPath, device: id.device) else { return }
        guard let handle = opendir(directory) else {
            if errno == ENAMETOOLONG { return pathTooLong(displayPath) }
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
            guard path.utf8.count < Int(PATH_MAX), lstat(path, &info) == 0 else {
                if path.utf8.count >= Int(PATH_MAX) || errno == ENAMETOOLONG { return pathTooLong(displayPath) }
                diagnostics.append(Diagnostic(
                    file: displayPath, line: nil, severity: .error, code: .unreadableFile,
                    message: "cannot read directory: \(String(cString: strerror(errno)))",
                    hint: "check its permissions, or exclude it with --exclude"))
                return
            }
            walk(directory: path, displayPath: displayPath, info: info)
        case Int32(DT_REG):
            guard isPython && !isExcluded(name: name, displayPath: displayPath) else { return }
            guard path.utf8.count < Int(PATH_MAX) else { return pathTooLong(displayPath) }
            files.append(SourceFile(path: path, displayPath: displayPath))
        default:  // symlinks, unknown types, FIFOs, sockets, devices
            let wantedAsFile = isPython && !isExcluded(name: name, displayPath: displayPath)
            let wantedAsDirectory = !isSkipped(directory: name, displayPath: displayPath)
            guard wantedAsFile || wantedAsDirectory else { return }
            guard path.utf8.count < Int(PATH_MAX) else { return pathTooLong(displayPath) }
            visitOther(path: path, displayPath: displayPath, wantedAsFile: wantedAsFile, wantedAsDirectory: wantedAsDirectory)
        }
    }

    func isSkipped(directory name: String, displayPath: String) -> Bool {
        name.hasPrefix(".") || Self.skippedDirectories.contains(name) || isExcluded(name: name, displayPath: displayPath)
    }

    func isExcluded(name: String, displayPath: String) -> Bool {
        excludes.contains { $0.matches(name: name, path: displayPath) }
    }

    mutating func pathTooLong(_ displayPath: String, severity: Diagnostic.Severity = .warning) {
        diagnostics.append(Diagnostic(
            file: displayPath, line: nil, severity: severity, code: .pathTooLong,
            message: "path is longer than the system allows (\(PATH_MAX) bytes, or a name over \(NAME_MAX)); not scanned",
            hint: "shorten the directory names or the nesting, or exclude it with --exclude"))
    }
}
