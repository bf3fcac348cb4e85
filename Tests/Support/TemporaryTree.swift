import Foundation

/// A real temporary directory for a test, filled from a path → contents map.
/// Removed when the value is deinitialised.
public final class TemporaryTree: @unchecked Sendable {
    public let root: String

    public init(_ files: [String: String] = [:]) throws {
        let base = FileManager.default.temporaryDirectory.path
        let candidate = base + "/crank-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: candidate, withIntermediateDirectories: true)
        root = URL(fileURLWithPath: candidate).resolvingSymlinksInPath().path
        for (path, contents) in files {
            try write(path, contents)
        }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    public func path(_ relative: String) -> String {
        root + "/" + relative
    }

    public func write(_ relative: String, _ contents: String) throws {
        try write(relative, bytes: Array(contents.utf8))
    }

    public func write(_ relative: String, bytes: [UInt8]) throws {
        let full = path(relative)
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
    }

    public func symlink(_ relative: String, to destination: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path(relative), withDestinationPath: destination)
    }

    public func mkdir(_ relative: String) throws {
        try FileManager.default.createDirectory(atPath: path(relative), withIntermediateDirectories: true)
    }
}

/// Paths into the source checkout, for fixtures and the built binary.
public enum Checkout {
    /// The package root (the directory holding Package.swift).
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.path + "/Package.swift") { return url.path }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()
}
