/// `reload:` of a deployment: exactly one of `signal: HUP` or `http: {method, path}`, and an
/// optional `timeout:` (default 10s). Only services and workers take it; an `http:` reload
/// needs the deployment's `port:` (crank posts to 127.0.0.1:<port>).
extension ProjectConfigDecoder {
    static let reloadKeys = ["signal", "http", "timeout"]
    static let reloadHTTPKeys = ["method", "path"]
    static let reloadHTTPMethods = ["POST", "PUT", "PATCH"]

    mutating func decodeReload(_ node: ConfigNode, path: String, into spec: inout DeploymentSpec) {
        guard let reload = node["reload"], reload.value != .null else { return }
        let key = { (name: String) in path + ".reload." + name }
        guard reader.map(reload, path: path + ".reload", keys: Self.reloadKeys) != nil else { return }
        let timeout = duration(reload["timeout"], path: key("timeout")) ?? ReloadSettings.defaultTimeout
        let signal = reload["signal"].flatMap { $0.value == .null ? nil : $0 }
        let http = reload["http"].flatMap { $0.value == .null ? nil : $0 }
        let method: ReloadSettings.Method?
        switch (signal, http) {
        case (nil, nil):
            reader.issues.append(ConfigIssue(.missingKey, at: reload.location, path: path + ".reload",
                                             message: "\(path).reload says neither how to signal nor where to post the config",
                                             hint: "write `reload: {signal: HUP}` or `reload: {http: {method: POST, path: /admin/config}}`"))
            return
        case (.some, .some):
            reader.issues.append(ConfigIssue(.conflictingKeys, at: reload.location, path: path + ".reload",
                                             message: "\(path).reload has both signal: and http:",
                                             hint: "keep one: a signal (the process re-reads CRANK_CONFIG_FILE) or an HTTP endpoint that takes the config"))
            return
        case (let signal?, nil):
            method = reloadSignal(signal, path: key("signal")).map { .signal($0) }
        case (nil, let http?):
            method = httpReload(http, path: key("http"))
        }
        guard let method else { return }
        if path.hasPrefix("deployments.") {
            if spec.flow != nil {
                reader.issues.append(ConfigIssue(.invalidPlacement, at: reload.location, path: path + ".reload",
                                                 message: "\(path) is a flow: reload: applies to services and workers (`command:`)",
                                                 hint: "remove reload: here; a flow deployment takes new parameters with `crank deploy`"))
                return
            }
            if case .http = method, spec.port == nil {
                reader.issues.append(ConfigIssue(.missingKey, at: reload.location, path: path + ".port",
                                                 message: "\(path).reload.http needs the deployment's port: (crank posts to 127.0.0.1:<port>)",
                                                 hint: "add `port:` to \(path), or reload with `signal: HUP`"))
                return
            }
        }
        spec.reload = ReloadSettings(method: method, timeout: timeout)
    }

    /// `HUP`, `hup` or `SIGHUP`; a stopping signal (TERM, KILL, …) or an unknown one is an issue.
    mutating func reloadSignal(_ node: ConfigNode, path: String) -> ReloadSignal? {
        guard let text = reader.string(node, path: path) else { return nil }
        var name = text.uppercased()
        if name.hasPrefix("SIG") { name = String(name.dropFirst(3)) }
        if let signal = ReloadSignal(rawValue: name) { return signal }
        let allowed = ReloadSignal.allCases.map(\.rawValue)
        let suggestion = Suggestion.closest(to: name, in: allowed).map { "did you mean '\($0)'? " } ?? ""
        let stops = ["TERM", "KILL", "INT", "QUIT", "STOP", "ABRT"].contains(name)
        reader.issues.append(ConfigIssue(.invalidValue, at: node.location, path: path,
                                         message: "\(path): '\(text)' \(stops ? "stops the process; it cannot reload it" : "is not a reload signal")",
                                         hint: "\(suggestion)use one of: \(allowed.joined(separator: ", "))"))
        return nil
    }

    mutating func httpReload(_ node: ConfigNode, path: String) -> ReloadSettings.Method? {
        guard reader.map(node, path: path, keys: Self.reloadHTTPKeys) != nil else { return nil }
        let method = (reader.string(node["method"], path: path + ".method") ?? "POST").uppercased()
        guard Self.reloadHTTPMethods.contains(method) else {
            let suggestion = Suggestion.closest(to: method, in: Self.reloadHTTPMethods).map { "did you mean '\($0)'? " } ?? ""
            reader.issues.append(ConfigIssue(.invalidValue, at: node["method"]?.location ?? node.location, path: path + ".method",
                                             message: "\(path).method: '\(method)' cannot carry a config body",
                                             hint: "\(suggestion)use one of: \(Self.reloadHTTPMethods.joined(separator: ", "))"))
            return nil
        }
        guard let requestPath = reader.string(node["path"], path: path + ".path") else {
            if node["path"] == nil {
                reader.issues.append(ConfigIssue(.missingKey, at: node.location, path: path + ".path",
                                                 message: "\(path) has no path", hint: "add `path: /admin/config` (the endpoint that takes the config)"))
            }
            return nil
        }
        guard requestPath.hasPrefix("/"), !requestPath.contains(where: { $0.isWhitespace || $0 == "#" }) else {
            reader.issues.append(ConfigIssue(.invalidValue, at: node["path"]?.location, path: path + ".path",
                                             message: "\(path).path: '\(requestPath)' is not a URL path",
                                             hint: "write it as an absolute path without spaces, e.g. /admin/config"))
            return nil
        }
        return .http(method: method, path: requestPath)
    }
}
