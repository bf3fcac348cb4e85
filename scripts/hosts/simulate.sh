#!/usr/bin/env bash
# Simulated machines for crank's remote-hosts target: one real sshd per host, each on its own
# loopback address (127.0.0.2, .3, …) and a free port, with its own host key, config, pid file and
# root directory; one generated client key logs in to all of them.
#   simulate.sh start N DIR   → starts N hosts under DIR; writes DIR/client_key, DIR/known_hosts
#                               and DIR/hosts.yaml (the `hosts:` and `ssh:` of an environment)
#   simulate.sh stop DIR      → stops every sshd started under DIR (by its pid file)
# SIMULATE_SKIP_BASHRC=1 (start): the hosts' sessions get SHLVL=1, so bash runs remote commands
# without sourcing ~/.bashrc, as on a server whose rc files are for interactive shells (here root's
# ~/.bashrc runs `pyenv init`, about 145 ms per remote command; the benchmarks set it).
set -euo pipefail
verb=${1:?start N DIR | stop DIR}
case $verb in
start)
  count=${2:?N}; dir=${3:?DIR}
  mkdir -p "$dir" /run/sshd
  [ -f "$dir/client_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$dir/client_key"
  : >"$dir/known_hosts"
  {
    echo "hosts:"
  } >"$dir/hosts.yaml"
  for i in $(seq 1 "$count"); do
    name="host-$i"; address="127.0.0.$((i + 1))"; folder="$dir/$name"
    mkdir -p "$folder/root"
    [ -f "$folder/host_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$folder/host_key"
    cp "$dir/client_key.pub" "$folder/authorized_keys"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    cat >"$folder/sshd_config" <<CONF
ListenAddress $address:$port
HostKey $folder/host_key
PidFile $folder/sshd.pid
AuthorizedKeysFile $folder/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
UsePAM no
MaxStartups 100:30:200
MaxSessions 100
SetEnv CRANK_SIMULATED_HOST=$name${SIMULATE_SKIP_BASHRC:+ SHLVL=1}
CONF
    /usr/sbin/sshd -f "$folder/sshd_config" -E "$folder/sshd.log"
    for _ in $(seq 1 100); do
      (exec 3<>"/dev/tcp/$address/$port") 2>/dev/null && break
      sleep 0.05
    done
    echo "[$address]:$port $(cut -d' ' -f1-2 "$folder/host_key.pub")" >>"$dir/known_hosts"
    echo "  $name: {address: $address, port: $port, user: $(id -un), root: \"$folder/root/crank\"}" >>"$dir/hosts.yaml"
  done
  echo "ssh: {identity_file: \"$dir/client_key\", known_hosts: \"$dir/known_hosts\"}" >>"$dir/hosts.yaml"
  ;;
stop)
  dir=${2:?DIR}
  for pidfile in "$dir"/host-*/sshd.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    # The listener and the connections it serves (they share its session).
    for other in $(ps -eo pid=,sid= | awk -v s="$pid" '$2 == s && $1 != s { print $1 }'); do kill "$other" 2>/dev/null || true; done
    kill "$pid" 2>/dev/null || true
    rm -f "$pidfile"
  done
  ;;
*)
  echo "usage: simulate.sh start N DIR | stop DIR" >&2; exit 64
  ;;
esac
