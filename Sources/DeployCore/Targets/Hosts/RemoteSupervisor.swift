import Foundation

/// crank's supervisor on a remote host: a POSIX sh program sent with every call (`sh -c
/// SCRIPT crank-remote VERB ARGS…`), so nothing has to be installed on the host and its
/// version always matches crank's. The same model as the local target: a process in its own
/// session, environment from stdin into a 0600 file that is deleted once read (never argv), output
/// appended to a log, a record `<root>/run/<env>/<name>` of `pid start-ticks release port`.
/// Arguments arrive as positional parameters and are never evaluated.
public enum RemoteSupervisor {
    static let script = #"""
    set -u
    verb=$1; shift
    ticks() { [ -r "/proc/$1/stat" ] || return 1; sed 's/^.*) //' "/proc/$1/stat" | cut -d' ' -f20; }
    alive() {
      [ -d "/proc/$1" ] || return 1
      state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
      [ "$state" != Z ] || return 1
      [ "$(ticks "$1")" = "$2" ]
    }
    # stop PID TICKS GRACE: SIGTERM to its group and itself, SIGKILL after GRACE seconds.
    stop() {
      if alive "$1" "$2"; then
        kill -TERM -"$1" 2>/dev/null; kill -TERM "$1" 2>/dev/null
        i=0
        while alive "$1" "$2" && [ "$i" -lt "$(($3 * 20))" ]; do sleep 0.05; i=$((i + 1)); done
        if alive "$1" "$2"; then kill -KILL -"$1" 2>/dev/null; kill -KILL "$1" 2>/dev/null; sleep 0.2; fi
      fi
      ! alive "$1" "$2"
    }
    case $verb in
    start)
      # The environment comes on stdin (never argv), into a 0600 file the process reads and deletes.
      root=$1 env=$2 name=$3 release=$4 port=$5 dir=$6 envfile=$7; shift 7
      mkdir -p "$root/run/$env" && chmod 700 "$root/run" || exit 120
      (umask 077 && cat >"$envfile.tmp" && mv -f "$envfile.tmp" "$envfile") || exit 120
      log="$root/run/$env/$name.log"
      cd / || exit 120
      setsid env -i PATH="$PATH" HOME="${HOME:-/}" LANG="${LANG:-C.UTF-8}" USER="${USER:-}" LOGNAME="${LOGNAME:-}" /bin/sh -c 'set -a; . "$1"; set +a; rm -f "$1"; cd "$2" || exit 127; shift 2; exec "$@"' sh "$envfile" "$dir" "$@" >>"$log" 2>&1 </dev/null &
      pid=$!
      t=$(ticks "$pid") || t=0
      printf '%s %s %s %s\n' "$pid" "$t" "$release" "$port" >"$root/run/$env/.$name.tmp" && mv "$root/run/$env/.$name.tmp" "$root/run/$env/$name"
      printf '%s %s\n' "$pid" "$t"
      ;;
    alive)
      alive "$1" "$2"
      ;;
    stop)
      record=${4:-}
      stop "$1" "$2" "$3" || exit 1
      [ -z "$record" ] || rm -f "$record"
      ;;
    list)
      root=$1 env=$2
      for f in "$root/run/$env"/*; do
        [ -f "$f" ] || continue
        case $f in *.log) continue ;; esac
        read -r pid t release port <"$f" || continue
        if alive "$pid" "$t"; then state=running; else state=exited; fi
        printf '%s %s %s %s %s %s\n' "${f##*/}" "$pid" "$t" "$release" "$port" "$state"
      done
      ;;
    has)
      [ -d "$1" ]
      ;;
    port)
      # What listens on TCP port $1 (see PortListing): `reached ADDRESS` (where ssh reached this
      # host), `socket HEXADDRESS INODE UID` per listening socket, `holder INODE PID TICKS SESSION
      # ANCESTORS DEPLOYMENT COMMAND…` per process holding one; DEPLOYMENT is `-` unless the
      # process runs in $3 (the release directory of environment $2) with CRANK_ENVIRONMENT=$2.
      # $4 $5: first stop the process the record file $4 names, with grace $5 (`-`: none);
      # $6 $7: `started alive|exited` says whether pid $6 started at ticks $7 runs (`-`: not asked).
      if [ "${4:--}" != - ] && [ -f "$4" ] && read -r pid t rest <"$4"; then stop "$pid" "$t" "$5" || true; fi
      if [ "${6:--}" != - ]; then if alive "$6" "$7"; then echo "started alive"; else echo "started exited"; fi; fi
      port=$1 env=$2 releases=$(cd "$3" 2>/dev/null && pwd -P) || releases=$3
      [ -r /proc/net/tcp ] || { echo unknown; exit 0; }
      case ${SSH_CONNECTION:-} in *" "*" "*" "*) set -f; set -- $SSH_CONNECTION; set +f; echo "reached $3" ;; esac
      sockets=$(awk -v p="$(printf '%04X' "$port")" '$4 == "0A" { n = split($2, a, ":"); if (a[n] == p) print "socket", a[1], $10, $8 }' /proc/net/tcp /proc/net/tcp6 2>/dev/null)
      [ -n "$sockets" ] || exit 0
      printf '%s\n' "$sockets"
      ls -l /proc/[0-9]*/fd 2>/dev/null | awk -v inodes=" $(printf '%s\n' "$sockets" | cut -d' ' -f3 | tr '\n' ' ')" '
        /^\/proc\/[0-9]+\/fd:$/ { split($0, d, "/"); pid = d[3]; next }
        $NF ~ /^socket:\[[0-9]+\]$/ { i = substr($NF, 9, length($NF) - 9); if (index(inodes, " " i " ")) print i, pid }' | sort -u |
      while read -r inode pid; do
        t=$(ticks "$pid") || continue
        session=$(sed 's/^.*) //' "/proc/$pid/stat" | cut -d' ' -f4)
        ancestors="" p=$pid n=0
        while [ "$n" -lt 32 ]; do
          p=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null | cut -d' ' -f2)
          [ -n "$p" ] && [ "$p" -gt 0 ] || break
          ancestors="$ancestors,$p" n=$((n + 1))
          [ "$p" -gt 1 ] || break
        done
        deployment=-
        cwd=$(cd "/proc/$pid/cwd" 2>/dev/null && pwd -P) || cwd=
        case $cwd in
        "$releases"/*)
          e=$(tr '\000' '\n' <"/proc/$pid/environ" 2>/dev/null | sed -n 's/^CRANK_ENVIRONMENT=//p')
          d=$(tr '\000' '\n' <"/proc/$pid/environ" 2>/dev/null | sed -n 's/^CRANK_DEPLOYMENT=//p')
          case $d in "" | *[!A-Za-z0-9_.-]*) ;; *) [ "$e" != "$env" ] || deployment=$d ;; esac
          ;;
        esac
        a=${ancestors#,}
        printf 'holder %s %s %s %s %s %s %s\n' "$inode" "$pid" "$t" "$session" "${a:--}" "$deployment" "$(tr '\000\012' '  ' <"/proc/$pid/cmdline" 2>/dev/null)"
      done
      ;;
    prune)
      dir=$1; shift
      for release in "$dir"/*; do
        [ -d "$release" ] || continue
        found=no
        for keep in "$@"; do [ "${release##*/}" = "$keep" ] && found=yes; done
        [ "$found" = yes ] || rm -rf "$release"
      done
      ;;
    *)
      echo "crank-remote: unknown verb $verb" >&2; exit 2
      ;;
    esac
    """#

    /// The argv (remote side) of one supervisor call.
    public static func call(_ verb: String, _ arguments: [String]) -> [String] {
        ["/bin/sh", "-c", script, "crank-remote", verb] + arguments
    }

    /// One line of `list`.
    public struct Entry: Equatable, Sendable {
        public var deployment: String
        public var pid: Int32
        public var startTicks: String
        public var release: String
        public var port: Int?
        public var running: Bool
    }

    static func parseList(_ output: String) -> [Entry] {
        output.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count == 6, let pid = Int32(fields[1]) else { return nil }
            return Entry(deployment: fields[0], pid: pid, startTicks: fields[2], release: fields[3], port: Int(fields[4]), running: fields[5] == "running")
        }
    }

    /// An env file the remote `sh` sources: every value single-quoted.
    static func environmentFile(_ values: [String: String]) -> Data {
        let lines = values.sorted { $0.key < $1.key }.map { key, value in
            "\(key)='\(value.replacingOccurrences(of: "'", with: "'\\''"))'"
        }
        return Data((lines.joined(separator: "\n") + "\n").utf8)
    }
}
