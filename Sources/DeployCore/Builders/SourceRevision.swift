import Foundation

/// Which source a build comes from: the git commit, and a content hash when the working
/// tree has uncommitted changes (so two different dirty trees never share a tag).
public struct SourceRevision: Equatable, Sendable, Codable {
    public var gitSHA: String?
    public var dirty: Bool
    /// Hash of the uncommitted changes (or of the sources when there is no git).
    public var contentHash: String?

    public init(gitSHA: String?, dirty: Bool, contentHash: String?) {
        self.gitSHA = gitSHA
        self.dirty = dirty
        self.contentHash = contentHash
    }

    /// The image tag / deployment version: `git-<sha12>`, `git-<sha12>-dirty-<hash8>`, or `src-<hash12>`.
    public var tag: String {
        guard let gitSHA else { return "src-" + (contentHash ?? "unknown").prefix(12) }
        let base = "git-" + gitSHA.prefix(12)
        return dirty ? base + "-dirty-" + (contentHash ?? "unknown").prefix(8) : base
    }

    enum CodingKeys: String, CodingKey { case gitSHA = "git_sha", dirty, contentHash = "content_hash" }

    /// Reads the revision with git (through the runner); without git, hashes the sources.
    public static func read(root: String, runner: any CommandRunner, git: String?, fallbackFiles: [String]) -> SourceRevision {
        if let git {
            let head = runner.run(ShellCommand(git, ["-C", root, "rev-parse", "HEAD"]), timeout: 10)
            if head.status == 0 {
                let sha = head.stdout.trimmingWhitespace()
                let status = runner.run(ShellCommand(git, ["-C", root, "status", "--porcelain", "--untracked-files=all"]), timeout: 20)
                let changes = status.stdout.trimmingWhitespace()
                guard !changes.isEmpty else { return SourceRevision(gitSHA: sha, dirty: false, contentHash: nil) }
                let diff = runner.run(ShellCommand(git, ["-C", root, "diff", "HEAD", "--binary"]), timeout: 30)
                var material = Array(diff.stdout.utf8) + Array(changes.utf8)
                let untracked = changes.split(separator: "\n").filter { $0.hasPrefix("??") }.map { String($0.dropFirst(3)) }
                for file in untracked.sorted() {
                    material += Array(file.utf8) + [0] + (FileManager.default.contents(atPath: root + "/" + file).map(Array.init) ?? [])
                }
                return SourceRevision(gitSHA: sha, dirty: true, contentHash: SHA256.hex(SHA256.digest(material)))
            }
        }
        var material: [UInt8] = []
        for file in fallbackFiles.sorted() {
            material += Array(file.utf8) + [0] + (FileManager.default.contents(atPath: root + "/" + file).map(Array.init) ?? [])
        }
        return SourceRevision(gitSHA: nil, dirty: true, contentHash: SHA256.hex(SHA256.digest(material)))
    }
}
