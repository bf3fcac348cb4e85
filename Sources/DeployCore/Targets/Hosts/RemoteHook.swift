import Foundation

/// A hook on a remote host: a POSIX sh program sent with the call (like `RemoteSupervisor`).
/// The environment arrives on stdin into a 0600 file the hook's shell reads and deletes (never
/// argv); the hook runs in the release directory in a session of its own, its output (stdout and
/// stderr) flowing back over ssh; past TIMEOUT_MS its whole process group gets SIGTERM, SIGKILL
/// 2 s later, and the program ends with a `crank-hook: timed out` line on stderr. Whatever a
/// finished hook left in its group is killed too.
enum RemoteHook {
    static let timedOutMarker = "crank-hook: timed out"

    static let script = #"""
    set -u
    timeout_ms=$1 dir=$2; shift 2
    envfile=$(umask 077 && mktemp) || exit 120
    cat >"$envfile" || exit 120
    cd / || exit 120
    setsid env -i PATH="$PATH" HOME="${HOME:-/}" LANG="${LANG:-C.UTF-8}" USER="${USER:-}" LOGNAME="${LOGNAME:-}" /bin/sh -c 'set -a; . "$1"; set +a; rm -f "$1"; cd "$2" || exit 127; shift 2; exec "$@"' sh "$envfile" "$dir" "$@" 2>&1 </dev/null &
    pid=$!
    start=$(date +%s%N 2>/dev/null || echo 0)
    i=0
    while :; do
      state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)
      [ -n "$state" ] && [ "$state" != Z ] || break
      now=$(date +%s%N 2>/dev/null || echo 0)
      if [ "$(( (now - start) / 1000000 ))" -ge "$timeout_ms" ] || [ "$i" -ge "$((timeout_ms / 10 + 100))" ]; then
        kill -TERM -"$pid" 2>/dev/null
        j=0
        while [ "$j" -lt 40 ] && kill -0 -"$pid" 2>/dev/null; do sleep 0.05; j=$((j + 1)); done
        kill -KILL -"$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        rm -f "$envfile"
        echo "crank-hook: timed out" >&2
        exit 124
      fi
      sleep 0.05
      i=$((i + 1))
    done
    wait "$pid"
    status=$?
    kill -KILL -"$pid" 2>/dev/null
    rm -f "$envfile"
    exit "$status"
    """#

    /// ssh argv running `argv` in `directory` on the host with `timeout`.
    static func command(_ transport: SSHTransport, argv: [String], directory: String, timeout: Double, environment: [String: String]) -> ShellCommand {
        var command = transport.script(script, arguments: [String(Int((timeout * 1000).rounded())), directory] + argv)
        command.input = RemoteSupervisor.environmentFile(environment)
        return command
    }

    /// The hook's outcome from the ssh call's result.
    static func result(_ result: CommandResult, seconds: Double, host: String) -> HookResult {
        if result.status == 255 {
            return HookResult(status: nil, notStarted: "\(host) did not answer over ssh: \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))",
                              output: result.stdout, seconds: seconds)
        }
        let stderr = result.stderr.replacingOccurrences(of: timedOutMarker + "\n", with: "")
        let timedOut = result.timedOut || result.stderr.contains(timedOutMarker)
        return HookResult(status: timedOut ? nil : Int(result.status), timedOut: timedOut, output: result.stdout + stderr, seconds: seconds)
    }
}
