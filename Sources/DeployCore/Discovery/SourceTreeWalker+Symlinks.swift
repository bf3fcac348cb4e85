#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SourceTreeWalker {
    /// `path` with every symlink resolved, or nil when it cannot be resolved.
    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    func isInsideBoundaries(_ real: String) -> Bool {
        boundaries.contains { real == $0 || real.hasPrefix($0 == "/" ? "/" : $0 + "/") }
    }

    /// A symlink, an unknown entry type, a FIFO, socket or device: stat decides.
    mutating func visitOther(path: String, displayPath: String, wantedAsFile: Bool, wantedAsDirectory: Bool) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENAMETOOLONG { return pathTooLong(displayPath) }
            if wantedAsFile {
                diagnostics.append(Diagnostic(
                    file: displayPath, line: nil, severity: .warning, code: .brokenSymlink,
                    message: "symlink target does not exist; skipped"))
            }
            return
        }
        let kind = info.st_mode & S_IFMT
        guard kind == S_IFDIR ? wantedAsDirectory : wantedAsFile else { return }
        var linkInfo = stat()
        let isSymlink = lstat(path, &linkInfo) == 0 && (linkInfo.st_mode & S_IFMT) == S_IFLNK
        let target = isSymlink ? Self.realPath(path) : nil
        let leavesRoot = target.map { !isInsideBoundaries($0) } ?? false
        if leavesRoot && !followSymlinks { return outsideRoot(displayPath, target: target) }
        switch kind {
        case S_IFDIR:
            let saved = escape
            if isSymlink { escape = leavesRoot ? (escape ?? Escape(displayPath: displayPath, device: UInt64(info.st_dev))) : nil }
            walk(directory: path, displayPath: displayPath, info: info)
            escape = saved
        case S_IFREG:
            files.append(SourceFile(path: path, displayPath: displayPath))
        default:
            diagnostics.append(Diagnostic(
                file: displayPath, line: nil, severity: .warning, code: .notARegularFile,
                message: "not a regular file (FIFO, socket or device); skipped"))
        }
    }

    mutating func outsideRoot(_ displayPath: String, target: String?) {
        diagnostics.append(Diagnostic(
            file: displayPath, line: nil, severity: .warning, code: .symlinkOutsideRoot,
            message: "symlink to \(target ?? "?") leaves the project root; not followed",
            hint: "scan it with --follow-symlinks (or flows.follow_symlinks: true), or silence this with --exclude '\(displayPath)'"))
    }

    /// Below a followed symlink out of the root: same filesystem only, and a budget of directories.
    mutating func withinEscapeBounds(displayPath: String, device: UInt64) -> Bool {
        guard let escape else { return true }
        guard device == escape.device else {
            diagnostics.append(Diagnostic(
                file: displayPath, line: nil, severity: .warning, code: .walkLimit,
                message: "another filesystem is mounted here; not crossed below the symlink \(escape.displayPath), which leaves the project root",
                hint: "name it as a PATH to scan it"))
            return false
        }
        guard outsideWalked < outsideBudget else {
            if !budgetReported {
                budgetReported = true
                diagnostics.append(Diagnostic(
                    file: escape.displayPath, line: nil, severity: .warning, code: .walkLimit,
                    message: "stopped following symlinks out of the project root after \(outsideBudget) directories",
                    hint: "point the symlink at a smaller tree, or name that tree as a PATH"))
            }
            return false
        }
        outsideWalked += 1
        return true
    }
}
