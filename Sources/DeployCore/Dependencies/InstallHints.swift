import Foundation

/// How to install one missing dependency, per platform.
public struct InstallHint: Equatable, Sendable, Codable {
    public var apt: String?
    public var brew: String?
    public var pip: String?
    public var url: String?
    /// A command that fixes it, whatever the platform (e.g. creating a work pool).
    public var run: String?

    public init(apt: String? = nil, brew: String? = nil, pip: String? = nil, url: String? = nil, run: String? = nil) {
        self.run = run
        self.apt = apt
        self.brew = brew
        self.pip = pip
        self.url = url
    }

    /// "apt: …; brew: …; pip: …; see URL"
    public var summary: String {
        var parts: [String] = []
        if let run { parts.append("run: \(run)") }
        if let apt { parts.append("apt: \(apt)") }
        if let brew { parts.append("brew: \(brew)") }
        if let pip { parts.append("pip: \(pip)") }
        if let url { parts.append("see \(url)") }
        return parts.joined(separator: "; ")
    }
}

/// The hint catalogue: `deployment/dependency-hints.yml` shipped with crank, then the
/// project's own `deployment/dependency-hints.yml` and `.local.yml`, later files winning.
public struct InstallHints: Sendable {
    public static let fileName = "deployment/dependency-hints.yml"
    public static let localFileName = "deployment/dependency-hints.local.yml"

    var executables: [String: InstallHint] = [:]
    var python: [String: InstallHint] = [:]
    var gpu: [String: InstallHint] = [:]

    public init() {}

    /// Reads every catalogue that exists; unreadable ones are skipped (the doctor still works).
    public static func load(projectRoot: String, shippedFile: String?) -> InstallHints {
        var hints = InstallHints()
        for file in [shippedFile, projectRoot + "/" + fileName, projectRoot + "/" + localFileName].compactMap({ $0 }) {
            guard case .success(let node?) = YAMLFileLoader.load(path: file, displayPath: file) else { continue }
            hints.add(node)
        }
        return hints
    }

    mutating func add(_ node: ConfigNode) {
        func section(_ name: String) -> [String: InstallHint] {
            var result: [String: InstallHint] = [:]
            for entry in node[name]?.entries ?? [] {
                let value = entry.value
                result[entry.key] = InstallHint(apt: value["apt"]?.string, brew: value["brew"]?.string,
                                                pip: value["pip"]?.string, url: value["url"]?.string)
            }
            return result
        }
        executables.merge(section("executables")) { _, new in new }
        python.merge(section("python")) { _, new in new }
        gpu.merge(section("gpu")) { _, new in new }
    }

    public func executable(_ name: String) -> InstallHint {
        executables[name] ?? InstallHint(apt: "apt-get install -y \(name)", brew: "brew install \(name)")
    }

    public func pythonModule(_ name: String) -> InstallHint {
        python[name] ?? InstallHint(pip: "pip install \(name)")
    }

    public func gpuHint() -> InstallHint {
        gpu["nvidia"] ?? InstallHint(url: "https://docs.nvidia.com/cuda/")
    }
}
