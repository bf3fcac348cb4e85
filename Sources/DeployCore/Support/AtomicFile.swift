import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes files so a crash never leaves half a file: write a temporary sibling, fsync,
/// then rename (replace) or link (create only).
public enum AtomicFile {
    public enum Failure: Error, Equatable {
        case exists(String)
        case cannotWrite(String, reason: String)
    }

    /// Writes `data` to `path`; with `overwrite: false` fails when `path` exists.
    public static func write(_ data: Data, to path: String, overwrite: Bool = true, permissions: mode_t = 0o644) throws(Failure) {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .cannotWrite(directory, reason: error.localizedDescription)
        }
        let temporary = directory + "/.\((path as NSString).lastPathComponent).\(UUID().uuidString).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
        guard descriptor >= 0 else { throw .cannotWrite(path, reason: String(cString: strerror(errno))) }
        let written = data.withUnsafeBytes { posixWrite(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        defer { unlink(temporary) }
        guard written == data.count, synced else { throw .cannotWrite(path, reason: String(cString: strerror(errno))) }
        if overwrite {
            guard rename(temporary, path) == 0 else { throw .cannotWrite(path, reason: String(cString: strerror(errno))) }
        } else {
            guard link(temporary, path) == 0 else {
                if errno == EEXIST { throw .exists(path) }
                if errno == EPERM || errno == ENOTSUP || errno == EXDEV {  // file systems without hard links
                    let created = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, permissions)
                    if created < 0 { throw errno == EEXIST ? .exists(path) : .cannotWrite(path, reason: String(cString: strerror(errno))) }
                    close(created)
                    guard rename(temporary, path) == 0 else { throw .cannotWrite(path, reason: String(cString: strerror(errno))) }
                    return
                }
                throw .cannotWrite(path, reason: String(cString: strerror(errno)))
            }
        }
    }
}

private func posixWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
