#!/usr/bin/env bash
# A private Docker engine in swarm mode for the `target: swarm` tests; idempotent.
#   bash scripts/swarm-tools.sh        installs docker.io if dockerd is missing, starts dockerd on a
#                                      PRIVATE socket, data root, exec root and pidfile under
#                                      $CRANK_SWARM_DIR (default /tmp/crank-swarm) unless it already
#                                      runs, `swarm init`s it, and prints the DOCKER_HOST to use.
#   bash scripts/swarm-tools.sh host   prints the DOCKER_HOST only (nothing is started).
#   bash scripts/swarm-tools.sh stop   stops that dockerd by its pid (nothing else).
# The machine's default socket (/var/run/docker.sock) is never used.
set -euo pipefail
D=${CRANK_SWARM_DIR:-/tmp/crank-swarm}
HOST="unix://$D/docker.sock"
verb=${1:-start}

running() { [ -s "$D/pid" ] && kill -0 "$(cat "$D/pid")" 2>/dev/null; }

case "$verb" in
host) echo "$HOST"; exit 0 ;;
stop)
    if running; then
        pid=$(cat "$D/pid")
        kill "$pid"
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
        echo "stopped dockerd $pid" >&2
    fi
    exit 0 ;;
start) ;;
*) echo "usage: $0 [start|host|stop]" >&2; exit 64 ;;
esac

if ! command -v dockerd >/dev/null; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    # policy-rc.d exit 101 keeps the package from starting the system dockerd (default socket).
    policy=/usr/sbin/policy-rc.d
    own_policy=""
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
        $sudo chmod 755 "$policy"
        own_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq docker.io >/dev/null || status=$?
    [ -z "$own_policy" ] || $sudo rm -f "$policy"
    [ "${status:-0}" -eq 0 ] || exit "$status"
fi

mkdir -p "$D"
export DOCKER_HOST="$HOST"
if ! running; then
    rm -f "$D/docker.sock" "$D/pid"
    # setsid: the engine outlives this script and the make/test process group that started it.
    setsid dockerd --host "$HOST" --data-root "$D/root" --exec-root "$D/exec" \
        --pidfile "$D/pid" >"$D/dockerd.log" 2>&1 < /dev/null &
    for _ in $(seq 1 150); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
    docker info >/dev/null 2>&1 || { echo "dockerd did not answer on $HOST; see $D/dockerd.log" >&2; exit 1; }
fi
if [ "$(docker info --format '{{.Swarm.LocalNodeState}}')" != "active" ]; then
    docker swarm init --advertise-addr 127.0.0.1 >/dev/null
fi
echo "$HOST"
