extension NginxProxy {
    public enum Failure: Error, Equatable {
        /// Not a deployment name (`[a-z0-9][a-z0-9._-]*`); never used to build a path.
        case invalidDeployment(String)
        /// `field` is `listen` or `upstream`.
        case invalidPort(deployment: String, field: String, port: Int)
        /// Another deployment's route already listens on that port.
        case listenPortTaken(deployment: String, port: Int, by: String)
        case nginxNotFound(String)
        /// `nginx -t` refused the configuration; the previous route stays in place.
        case rejected(deployment: String, message: String)
        case startFailed(String)
        case reloadFailed(String)
        case cannotWrite(String, reason: String)

        public var message: String {
            switch self {
            case .invalidDeployment(let name):
                return "'\(name)' is not a deployment name"
            case .invalidPort(let deployment, let field, let port):
                return "deployment '\(deployment)': proxy \(field) port \(port) is not between 1 and 65535"
            case .listenPortTaken(let deployment, let port, let other):
                return "deployment '\(deployment)': proxy port \(port) is already routed to deployment '\(other)'"
            case .nginxNotFound(let name):
                return "\(name): not found on PATH (nor in /usr/sbin); the container target's blue-green switch needs nginx"
            case .rejected(let deployment, let message):
                return "nginx rejected the route of deployment '\(deployment)': \(message)"
            case .startFailed(let message):
                return "crank's nginx did not start: \(message)"
            case .reloadFailed(let message):
                return "crank's nginx did not switch to the new route (it keeps serving the previous one): \(message)"
            case .cannotWrite(let path, let reason):
                return "cannot write \(path): \(reason)"
            }
        }

        public var hint: String {
            switch self {
            case .invalidDeployment:
                return "deployment names are lowercase letters, digits, '.', '_' and '-', starting with a letter or digit"
            case .invalidPort:
                return "set the deployment's port (and the environment's proxy port) to a TCP port"
            case .listenPortTaken(_, _, let other):
                return "give each deployment its own proxy port, or remove the route of '\(other)'"
            case .nginxNotFound:
                return "install nginx (Debian: apt-get install nginx-light; `make test` does it via scripts/container-tools.sh)"
            case .rejected:
                return "the message names the file and line; a hand-edited file under the proxy's routes/ is the usual cause"
            case .startFailed(let message), .reloadFailed(let message):
                if message.contains("Address already in use") {
                    return "another process listens on that port: pick a free proxy port or stop it (`ss -ltnp`)"
                }
                return "see logs/error.log in the proxy directory (.crank/proxy/<env>/)"
            case .cannotWrite:
                return "check that .crank/ is writable"
            }
        }
    }
}
