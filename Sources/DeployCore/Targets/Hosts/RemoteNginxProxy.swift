import Foundation

/// crank's nginx for one environment on a remote host (the blue-green switch of containers on
/// hosts): the same configuration as `NginxProxy` (NginxConfig), in `<root>/proxy/<env>/` on the
/// host, driven by a POSIX sh program sent with every call like `RemoteSupervisor`. A route is
/// written, checked with `nginx -t` (a rejected one is put back), then nginx starts or reloads;
/// `route` returns once the old workers have exited — their requests finished — so the caller
/// may stop the old color. The routes listen on the host's address; the colors publish on it too,
/// so crank's gate reaches the idle color from here before the switch.
public struct RemoteNginxProxy: TrafficProxy {
    public let transport: SSHTransport
    public let runner: any CommandRunner
    /// The prefix on the host, e.g. `<root>/proxy/<env>`.
    public let directory: String
    /// How long old workers may finish in-flight requests after a switch.
    public var grace: TimeInterval = 10

    public init(transport: SSHTransport, runner: any CommandRunner, directory: String) {
        self.transport = transport
        self.runner = runner
        self.directory = directory
    }

    public var upstreamAddress: String { transport.host.address }

    static let script = #"""
    set -u
    verb=$1 dir=$2; shift 2
    nginx=$(command -v nginx || echo /usr/sbin/nginx)
    master() {
      pid=$(cat "$dir/nginx.pid" 2>/dev/null) || return 1
      [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'nginx: master' && echo "$pid"
    }
    children() {
      for stat in /proc/[0-9]*/stat; do
        [ "$(sed 's/^.*) //' "$stat" 2>/dev/null | cut -d' ' -f2)" = "$1" ] && { p=${stat#/proc/}; echo "${p%/stat}"; }
      done
    }
    gone() { for p in "$@"; do [ -d "/proc/$p" ] && return 1; done; return 0; }
    apply() {
      "$nginx" -p "$dir/" -c "$dir/nginx.conf" -t -q 2>"$dir/logs/check.log" || { cat "$dir/logs/check.log" >&2; return 3; }
      if m=$(master); then
        old=$(children "$m")
        "$nginx" -p "$dir/" -c "$dir/nginx.conf" -s reload 2>&1 >&2 || return 4
        i=0
        while ! gone $old && [ "$i" -lt "$(( (grace + 5) * 10 ))" ]; do sleep 0.1; i=$((i + 1)); done
        gone $old || { echo "old nginx workers still run after $((grace + 5)) s" >&2; return 4; }
      else
        "$nginx" -p "$dir/" -c "$dir/nginx.conf" </dev/null >"$dir/logs/start.log" 2>&1 || { cat "$dir/logs/start.log" >&2; return 5; }
      fi
    }
    case $verb in
    route)
      name=$1 grace=$2 main=$3 text=$4
      mkdir -p "$dir/routes" "$dir/logs" "$dir/temp" || exit 120
      file="$dir/routes/$name.conf"
      rm -f "$dir/.previous"; [ -f "$file" ] && cp "$file" "$dir/.previous"
      printf '%s' "$main" >"$dir/nginx.conf.tmp" && mv -f "$dir/nginx.conf.tmp" "$dir/nginx.conf" || exit 120
      printf '%s' "$text" >"$file.tmp" && mv -f "$file.tmp" "$file" || exit 120
      apply; status=$?
      if [ "$status" -ne 0 ]; then
        if [ -f "$dir/.previous" ]; then mv -f "$dir/.previous" "$file"; else rm -f "$file"; fi
        exit "$status"
      fi
      ;;
    remove)
      name=$1 grace=$2
      rm -f "$dir/routes/$name.conf"
      if master >/dev/null; then apply || exit $?; fi
      ;;
    routes)
      for f in "$dir"/routes/*.conf; do [ -f "$f" ] && { echo "== ${f##*/}"; cat "$f"; }; done
      ;;
    running)
      master >/dev/null
      ;;
    stop)
      grace=$1
      m=$(master) || exit 0
      workers=$(children "$m")
      "$nginx" -p "$dir/" -c "$dir/nginx.conf" -s quit 2>/dev/null
      i=0
      while ! gone "$m" && [ "$i" -lt "$(( (grace + 2) * 10 ))" ]; do sleep 0.1; i=$((i + 1)); done
      gone "$m" || kill -KILL "$m" $workers 2>/dev/null
      rm -f "$dir/nginx.pid"
      ;;
    freeport)
      # A port nothing on the host has open (tcp or tcp6), picked at random from 20000-60999.
      for attempt in 1 2 3 4 5 6 7 8 9 10; do
        port=$(( $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 41000 + 20000 ))
        hex=$(printf '%04X' "$port")
        if ! cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v p="$hex" 'NR > 1 { n = split($2, a, ":"); if (a[n] == p) f = 1 } END { exit !f }'; then
          echo "$port"; exit 0
        fi
      done
      exit 1
      ;;
    *)
      echo "crank-proxy: unknown verb $verb" >&2; exit 2
      ;;
    esac
    """#

    func call(_ verb: String, _ arguments: [String] = [], timeout: TimeInterval = 60) -> CommandResult {
        runner.run(transport.command(["/bin/sh", "-c", Self.script, "crank-proxy", verb, directory] + arguments), timeout: timeout)
    }

    static func reason(_ result: CommandResult) -> String {
        let text = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        return result.timedOut ? "timed out" : (text.isEmpty ? "exit \(result.status)" : String(text.suffix(600)))
    }

    public func route(_ deployment: String, listen: Int, upstream: Int) throws(NginxProxy.Failure) {
        guard NginxProxy.isValidName(deployment) else { throw .invalidDeployment(deployment) }
        for (name, port) in [("listen", listen), ("upstream", upstream)] where !(1...65535).contains(port) {
            throw .invalidPort(deployment: deployment, field: name, port: port)
        }
        if let taken = routes().first(where: { $0.deployment != deployment && $0.listen == listen }) {
            throw .listenPortTaken(deployment: deployment, port: listen, by: taken.deployment)
        }
        let seconds = Int(grace.rounded(.up))
        let text = NginxConfig.route(deployment: deployment, address: transport.host.address, listen: listen, upstream: upstream, upstreamAddress: upstreamAddress)
        let result = call("route", [deployment, String(seconds), NginxConfig.main(shutdownTimeout: seconds), text], timeout: grace + 60)
        switch result.status {
        case 0: return
        case 3: throw .rejected(deployment: deployment, message: "\(transport.host.name): \(Self.reason(result))")
        case 5: throw .startFailed("\(transport.host.name): \(Self.reason(result))")
        case 120: throw .cannotWrite("\(directory) on \(transport.host.name)", reason: Self.reason(result))
        default: throw .reloadFailed("\(transport.host.name): \(Self.reason(result))")
        }
    }

    public func upstream(of deployment: String) -> Int? {
        routes().first { $0.deployment == deployment }?.upstream
    }

    public func routes() -> [NginxProxy.Route] {
        let result = call("routes")
        guard result.status == 0 else { return [] }
        return Self.parseRoutes(result.stdout)
    }

    /// `== NAME.conf` then the file, for each route.
    static func parseRoutes(_ output: String) -> [NginxProxy.Route] {
        var routes: [NginxProxy.Route] = []
        for chunk in output.components(separatedBy: "== ").dropFirst() {
            guard let newline = chunk.firstIndex(of: "\n") else { continue }
            let file = String(chunk[..<newline])
            guard file.hasSuffix(".conf") else { continue }
            let name = String(file.dropLast(5))
            guard NginxProxy.isValidName(name), let route = NginxConfig.parseRoute(deployment: name, String(chunk[newline...])) else { continue }
            routes.append(route)
        }
        return routes.sorted { $0.deployment < $1.deployment }
    }

    public func remove(_ deployment: String) throws(NginxProxy.Failure) {
        guard NginxProxy.isValidName(deployment) else { throw .invalidDeployment(deployment) }
        let result = call("remove", [deployment, String(Int(grace.rounded(.up)))], timeout: grace + 60)
        guard result.status == 0 else { throw .reloadFailed("\(transport.host.name): \(Self.reason(result))") }
    }

    public var isRunning: Bool { call("running").status == 0 }

    public func stop() {
        _ = call("stop", [String(Int(grace.rounded(.up)))], timeout: grace + 30)
    }

    public func freePort() -> Int? {
        let result = call("freeport")
        return result.status == 0 ? Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) : nil
    }
}
