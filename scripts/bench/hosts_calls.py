"""The `ssh` shim of the remote-hosts benchmark (hosts_bench.py) and the trace it writes.

Put first on PATH for a crank command, the shim runs the real ssh with crank's arguments, except:
- CRANK_BENCH_NO_MUX=1: ControlMaster/ControlPath/ControlPersist become no/none/no (every call opens
  a new connection, with its own TCP and SSH handshake and key exchange);
- CRANK_BENCH_SSH_LOG=FILE: appends one line per call — start, end (epoch seconds), exit status,
  the destination and what the call is for (the supervisor verb, upload, …) — at a cost of two
  `date` runs per call.
"""

SHIM = r"""#!/usr/bin/env bash
args=()
for word in "$@"; do
  if [ -n "${CRANK_BENCH_NO_MUX:-}" ]; then
    case $word in
    ControlMaster=*) word=ControlMaster=no ;;
    ControlPath=*) word=ControlPath=none ;;
    ControlPersist=*) word=ControlPersist=no ;;
    esac
  fi
  args+=("$word")
done
[ -n "${CRANK_BENCH_SSH_LOG:-}" ] || exec @SSH@ "${args[@]}"
start=$(date +%s.%N)
@SSH@ "${args[@]}"
status=$?
end=$(date +%s.%N)
remote=${*: -1}
destination=${*: -2:1}
case " $* " in
*" -O "*) label=control ;;
*) case $remote in
   *"'crank-remote' '"*) verb=${remote#*"'crank-remote' '"}; label="supervisor ${verb%%"'"*}" ;;
   *"tar -C"*) label=upload ;;
   *".crank-lock"* | *"holder.json"*) label=lock ;;
   *'cat > "$1.tmp"'*) label="write env file" ;;
   "'true'") label="probe (ssh true)" ;;
   "'mkdir' '-p' "*) label=mkdir ;;
   "'mv' '-T' "*) label="mv release" ;;
   *crank-exec*) label="exec check" ;;
   *) label=other ;;
   esac ;;
esac
[ "$label" != lock ] || case $remote in *'stat -c %Y'*) label="lock (read)" ;; *) label="lock (create/remove)" ;; esac
printf '%s %s %s %s %s\n' "$start" "$end" "$status" "$destination" "$label" >>"$CRANK_BENCH_SSH_LOG"
exit $status
"""


def read_trace(path):
    """The shim's log as [{offset, seconds, status, host, call}], by start time; offsets from the first call."""
    calls = []
    try:
        lines = open(path).read().splitlines()
    except OSError:
        return calls
    for line in lines:
        parts = line.split(" ", 4)
        if len(parts) == 5:
            calls.append({"start": float(parts[0]), "seconds": float(parts[1]) - float(parts[0]), "status": int(parts[2]),
                          "host": parts[3], "call": parts[4]})
    calls.sort(key=lambda call: call["start"])
    first = calls[0]["start"] if calls else 0.0
    for call in calls:
        call["offset"] = call.pop("start") - first
    return calls
