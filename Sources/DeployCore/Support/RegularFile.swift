#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Opening and reading files that must be regular files (after symlinks are resolved):
/// a FIFO is never waited on (opened non-blocking, then refused), a device or directory
/// is refused, and nothing is read past a limit — whatever `stat` of a link says.
public enum RegularFile {
    public enum Failure: Error, Equatable, Sendable {
        case missing
        /// What it is instead: "a FIFO", "a character device", "a directory", …
        case notRegular(String)
        /// The size found (at least limit + 1 when it grew while being read).
        case tooLarge(Int)
        /// `strerror` text.
        case unreadable(String)
    }

    /// The open descriptor and size of the regular file at `path`; the caller closes it.
    static func openForReading(_ path: String) -> Result<(descriptor: Int32, size: Int), Failure> {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            return .failure(errno == ENOENT ? .missing : .unreadable(String(cString: strerror(errno))))
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            return .failure(.unreadable(reason))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            return .failure(.notRegular(kind(info.st_mode)))
        }
        return .success((descriptor, Int(info.st_size)))
    }

    /// The whole content of the regular file at `path`, refused beyond `limit` bytes.
    public static func contents(of path: String, limit: Int) -> Result<[UInt8], Failure> {
        let descriptor: Int32
        let size: Int
        switch openForReading(path) {
        case .failure(let failure): return .failure(failure)
        case .success(let opened):
            (descriptor, size) = opened
        }
        defer { close(descriptor) }
        guard size <= limit else { return .failure(.tooLarge(size)) }
        // Room for the size stat reported plus one byte, to notice a file that grew.
        var bytes = [UInt8](repeating: 0, count: size + 1)
        var total = 0
        while true {
            if total == bytes.count {
                guard bytes.count <= limit else { return .failure(.tooLarge(total)) }
                bytes += [UInt8](repeating: 0, count: min(bytes.count, limit + 1 - bytes.count))
            }
            let room = bytes.count - total
            let got = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress! + total, room) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { return .failure(.unreadable(String(cString: strerror(errno)))) }
            if got == 0 { break }
            total += got
        }
        bytes.removeLast(bytes.count - total)
        return .success(bytes)
    }

    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFDIR: return "a directory"
        case S_IFSOCK: return "a socket"
        default: return "not a regular file"
        }
    }
}
