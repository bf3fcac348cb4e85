#!/usr/bin/env bash
# Installs the OpenSSH client and server and rsync for the simulated-host tests (each test starts
# its own sshd instances on loopback addresses; the system sshd service is never started).
# Idempotent: does nothing when all are already there.
set -euo pipefail

if ! command -v ssh >/dev/null || ! command -v ssh-keygen >/dev/null || ! command -v ssh-keyscan >/dev/null \
    || [ ! -x /usr/sbin/sshd ] || ! command -v rsync >/dev/null; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    # policy-rc.d exit 101 stops the package from starting the system sshd service; the file is
    # removed again afterwards.
    policy=/usr/sbin/policy-rc.d
    own_policy=""
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
        $sudo chmod 755 "$policy"
        own_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq openssh-server openssh-client rsync >/dev/null || status=$?
    [ -z "$own_policy" ] || $sudo rm -f "$policy"
    [ "${status:-0}" -eq 0 ] || exit "$status"
fi
# sshd refuses to start without its privilege-separation directory.
if [ ! -d /run/sshd ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo mkdir -p /run/sshd
fi
ssh -V
version=$(rsync --version)
echo "${version%%$'\n'*}"
