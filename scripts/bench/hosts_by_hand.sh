#!/usr/bin/env bash
# The baseline of the remote-hosts benchmark (scripts/bench/hosts_bench.py): what a user writes
# instead of crank — per host in turn, plain `ssh` calls (a new connection each): create the
# release directory, copy the service into it (`tar | ssh tar -x`), stop the old process by its pid
# file and start the new one detached, then `curl` its health URL until it serves the new version.
#   hosts_by_hand.sh HOSTS_FILE KEY KNOWN_HOSTS SOURCE_DIR VERSION PORT
# HOSTS_FILE: one host a line, `name address ssh-port user dir` (dir: where this loop keeps
# releases/VERSION, app.pid and app.log on the host). Exits non-zero when a host does not serve
# VERSION within 20 s.
set -euo pipefail
hosts=$1 key=$2 known=$3 source=$4 version=$5 port=$6
while read -r name address ssh_port user root; do
  ssh=(ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o "UserKnownHostsFile=$known" -i "$key" -p "$ssh_port" -l "$user" "$address")
  release="$root/releases/$version"
  "${ssh[@]}" "mkdir -p '$release'" </dev/null
  tar -C "$source" -cf - . | "${ssh[@]}" "tar -C '$release' -xf -"
  # The old process stops (by the pid file: a `pkill -f` pattern could match this very shell) —
  # gone or a zombie (this machine's pid 1 reaps orphans only every second or two, and `kill -0`
  # still finds a zombie) — then the new one starts detached: nohup, every stream redirected, or
  # ssh waits for it.
  "${ssh[@]}" "cd '$release' || exit 1
    pidfile='$root/app.pid'
    if [ -f \"\$pidfile\" ]; then
      old=\$(cat \"\$pidfile\"); kill \"\$old\" 2>/dev/null
      while true; do case \$(ps -o stat= -p \"\$old\" 2>/dev/null) in '' | Z*) break ;; esac; sleep 0.05; done
    fi
    HOST='$address' PORT='$port' VERSION='$version' nohup python3 service.py >'$root/app.log' 2>&1 </dev/null &
    echo \$! >\"\$pidfile\"" </dev/null
  for _ in $(seq 1 400); do
    if curl -fsS --max-time 2 "http://$address:$port/health" 2>/dev/null | grep -q "\"version\": \"$version\""; then continue 2; fi
    sleep 0.05
  done
  echo "error: $name does not serve version $version on $address:$port" >&2
  exit 1
done <"$hosts"
