import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so a crash never leaves half a file: write a temporary sibling, fsync,
/// then rename (replace) or link (create only).
public enum AtomicFile {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case exists(String)
        case cannotWrite(String, reason: String)
        /// ENOSPC or EDQUOT: the file system (or the user's quota) is full.
        case noSpace(String)
        /// EROFS: the file system is mounted read-only.
        case readOnly(String)
        /// EACCES or EPERM.
        case denied(String)

        /// The failure of writing `path` with `code` (an errno value).
        public static func writing(_ path: String, errno code: Int32) -> Failure {
            switch code {
            case ENOSPC, EDQUOT: return .noSpace(path)
            case EROFS: return .readOnly(path)
            case EACCES, EPERM: return .denied(path)
            case EEXIST: return .exists(path)
            default: return .cannotWrite(path, reason: String(cString: strerror(code)))
            }
        }

        public var path: String {
            switch self {
            case .exists(let path), .cannotWrite(let path, _), .noSpace(let path), .readOnly(let path), .denied(let path): return path
            }
        }

        public var message: String {
            switch self {
            case .exists(let path): return "\(path) already exists"
            case .cannotWrite(let path, let reason): return "cannot write \(path): \(reason)"
            case .noSpace(let path): return "cannot write \(path): no space left on the file system (or quota exceeded)"
            case .readOnly(let path): return "cannot write \(path): the file system is read-only"
            case .denied(let path): return "cannot write \(path): permission denied"
            }
        }

        public var hint: String {
            let folder = (path as NSString).deletingLastPathComponent
            switch self {
            case .noSpace: return "free some space on the file system holding \(folder) (`df -h \(folder)`), then run the command again"
            case .readOnly: return "remount \(folder) read-write, or point CRANK_STATE_DIR at a writable folder"
            case .denied: return "give this user write access to \(folder) (`ls -ld \(folder)`)"
            case .exists: return "remove \(path) if nothing needs it"
            case .cannotWrite: return "check that \(folder) is writable"
            }
        }

        public var description: String { "\(message) (\(hint))" }
    }

    /// Writes `data` to `path`; with `overwrite: false` fails when `path` exists.
    public static func write(_ data: Data, to path: String, overwrite: Bool = true, permissions: mode_t = 0o644) throws(Failure) {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw errnoOf(error).map { .writing(directory, errno: $0) } ?? .cannotWrite(directory, reason: error.localizedDescription)
        }
        let temporary = directory + "/.\((path as NSString).lastPathComponent).\(UUID().uuidString).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
        guard descriptor >= 0 else { throw .writing(path, errno: errno) }
        defer { unlink(temporary) }
        let written = data.withUnsafeBytes { posixWrite(descriptor, $0.baseAddress, $0.count) }
        let writeError = errno
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == data.count else { throw .writing(path, errno: written < 0 ? writeError : ENOSPC) }
        guard synced else { throw .writing(path, errno: errno) }
        if overwrite {
            guard rename(temporary, path) == 0 else { throw .writing(path, errno: errno) }
        } else {
            guard link(temporary, path) == 0 else {
                if errno == EPERM || errno == ENOTSUP || errno == EXDEV {  // file systems without hard links
                    let created = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
                    if created < 0 { throw .writing(path, errno: errno) }
                    close(created)
                    guard rename(temporary, path) == 0 else { throw .writing(path, errno: errno) }
                    return
                }
                throw .writing(path, errno: errno)
            }
        }
    }

    /// The POSIX error code behind a Foundation file error, when there is one.
    public static func errnoOf(_ error: any Error) -> Int32? {
        let error = error as NSError
        if error.domain == NSPOSIXErrorDomain { return Int32(error.code) }
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain { return Int32(underlying.code) }
        switch CocoaError.Code(rawValue: error.code) {
        case .fileWriteOutOfSpace: return ENOSPC
        case .fileWriteVolumeReadOnly: return EROFS
        case .fileWriteNoPermission: return EACCES
        default: return nil
        }
    }
}

private func posixWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
