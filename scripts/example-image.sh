#!/usr/bin/env bash
# Builds the base image the example's prod environment names (localhost/debian-py:bookworm):
# Debian bookworm minbase with python3 and pandoc (the doc-converter worker needs it), from
# the Debian mirror this machine's apt uses — no registry is needed. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
export CONTAINERS_CONF="${CONTAINERS_CONF:-$PWD/deployment/podman/containers.conf}"
IMAGE=localhost/debian-py:bookworm
if podman image exists "$IMAGE"; then
    echo "$IMAGE exists"
    exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
if ! command -v debootstrap >/dev/null; then
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq debootstrap >/dev/null
fi
# The mirror apt already uses (deb822 sources or the classic list).
mirror=$( (grep -shE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list || true) \
    | grep -v security | head -1 | awk '{print $2}')
mirror=${mirror:-http://deb.debian.org/debian}
rootfs=$(mktemp -d)
trap '$sudo rm -rf "$rootfs"' EXIT
$sudo debootstrap --variant=minbase --include=python3,pandoc bookworm "$rootfs" "$mirror" >/dev/null
$sudo rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
$sudo tar -C "$rootfs" -c . | podman import - "$IMAGE" >/dev/null
echo "built $IMAGE"
