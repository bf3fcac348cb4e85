#!/usr/bin/env bash
# Installs podman (with runc), nginx (the blue-green reverse proxy crank runs as its own
# instance; the system nginx service is never started) and builds the small local base image
# the container tests use. Idempotent: does nothing when all are already there. No registry is reachable here, so the
# base image is imported from the busybox-static package.
set -euo pipefail
cd "$(dirname "$0")/.."
export CONTAINERS_CONF="$PWD/deployment/podman/containers.conf"
IMAGE=localhost/crank-busybox:latest

if ! command -v podman >/dev/null || ! command -v runc >/dev/null || [ ! -x /bin/busybox ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq podman runc fuse-overlayfs slirp4netns uidmap busybox-static >/dev/null
fi
if ! command -v nginx >/dev/null; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    # policy-rc.d exit 101 stops the package from starting the system nginx service (crank starts
    # its own instance per environment, on its own ports); the file is removed again afterwards.
    policy=/usr/sbin/policy-rc.d
    own_policy=""
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
        $sudo chmod 755 "$policy"
        own_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nginx-light >/dev/null || status=$?
    [ -z "$own_policy" ] || $sudo rm -f "$policy"
    [ "${status:-0}" -eq 0 ] || exit "$status"
fi
if ! podman image exists "$IMAGE"; then
    rootfs=$(mktemp -d)
    trap 'rm -rf "$rootfs"' EXIT
    mkdir -p "$rootfs/bin" "$rootfs/tmp"
    cp /bin/busybox "$rootfs/bin/busybox"
    for tool in sh ls cat echo sleep wget httpd; do ln -s busybox "$rootfs/bin/$tool"; done
    tar -C "$rootfs" -c . | podman import - "$IMAGE" >/dev/null
fi
podman --version
nginx -v
