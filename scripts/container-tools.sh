#!/usr/bin/env bash
# Installs podman (with runc) and builds the small local base image the container tests use.
# Idempotent: does nothing when both are already there. No registry is reachable here, so the
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
if ! podman image exists "$IMAGE"; then
    rootfs=$(mktemp -d)
    trap 'rm -rf "$rootfs"' EXIT
    mkdir -p "$rootfs/bin" "$rootfs/tmp"
    cp /bin/busybox "$rootfs/bin/busybox"
    for tool in sh ls cat echo sleep wget httpd; do ln -s busybox "$rootfs/bin/$tool"; done
    tar -C "$rootfs" -c . | podman import - "$IMAGE" >/dev/null
fi
podman --version
