/// `spec.reload` of a rendered deployment: `{"signal": "HUP", "timeout": 10}` or
/// `{"http": {"method": "POST", "path": "/admin/config"}, "timeout": 10}`.
extension ReloadSettings {
    public var json: JSONValue {
        // Whole seconds as an integer: the state store writes 10.0 as 10 and reads it back as
        // an integer, and the spec must hash the same after that round trip.
        var object: [String: JSONValue] = ["timeout": timeout == timeout.rounded() && abs(timeout) < 1e9 ? .int(Int(timeout)) : .double(timeout)]
        switch method {
        case .signal(let signal): object["signal"] = .string(signal.rawValue)
        case .http(let method, let path): object["http"] = .object(["method": .string(method), "path": .string(path)])
        }
        return .object(object)
    }

    public init?(json: JSONValue?) {
        guard case .object(let object)? = json else { return nil }
        var timeout = Self.defaultTimeout
        switch object["timeout"] {
        case .double(let value)?: timeout = value
        case .int(let value)?: timeout = Double(value)
        default: break
        }
        if case .string(let name)? = object["signal"], let signal = ReloadSignal(rawValue: name) {
            self.init(method: .signal(signal), timeout: timeout)
        } else if case .object(let http)? = object["http"], case .string(let method)? = http["method"], case .string(let path)? = http["path"] {
            self.init(method: .http(method: method, path: path), timeout: timeout)
        } else {
            return nil
        }
    }
}
