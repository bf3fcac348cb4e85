#!/usr/bin/env bash
# `make test`'s second phase: the suites that block on real processes, containers, sshd and the
# swarm for minutes. Two streams run side by side, each one test at a time: the container engines
# (podman, swarm) and the real processes (local target, simulated hosts, the docker CLI). Measured on this
# 2-core machine, one serial stream left the CPUs ~40 % idle (tests wait on processes, podman and
# the network); two streams keep them busy without starving a health gate, while running every
# heavy suite at once did starve them. Each stream's lines are prefixed with its name; the exit
# status is non-zero when either stream failed.
#
# The test bundle is run directly (not through `swift test`, whose lock on .build would make the
# second stream wait for the first): `make test` has built it with `swift build --build-tests`.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BUNDLE=${CRANK_TEST_BUNDLE:-.build/debug/crankPackageTests.xctest}
ENGINES=${CRANK_HEAVY_ENGINES:?the container-engine suites (Makefile HEAVY_ENGINES)}
PROCESSES=${CRANK_HEAVY_PROCESSES:?the real-process suites (Makefile HEAVY_PROCESSES)}
[ -x "$BUNDLE" ] || { echo "error: $BUNDLE is missing; run swift build --build-tests first" >&2; exit 1; }

# A suite both filters match (the docker CLI suite is nested in ContainerSuites) runs in the
# processes stream only.
LOGS=$(mktemp -d "${TMPDIR:-/tmp}/crank-heavy.XXXXXX")
stream() {
    local name=$1 filter=$2; shift 2
    NO_COLOR=1 "$BUNDLE" --testing-library swift-testing --filter "$filter" "$@" --no-parallel 2>&1 \
        | sed -u "s/^/[$name] /" | tee "$LOGS/$name.log"
    return "${PIPESTATUS[0]}"
}

# Each stream takes the ports of its test services from its own range (Tests/Support/TestPorts.swift;
# phase 1 uses 20000-25999), outside the kernel's ephemeral range: no stream can take another's port.
CRANK_TEST_PORTS=26000-28999 stream engines "$ENGINES" --skip "$PROCESSES" &
engines=$!
CRANK_TEST_PORTS=29000-31999 stream processes "$PROCESSES" &
processes=$!
wait "$engines"; engines_status=$?
wait "$processes"; processes_status=$?
if [ "$engines_status" -ne 0 ] || [ "$processes_status" -ne 0 ]; then
    echo "── failures of the heavy suites ──"
    bash scripts/test-failures.sh "$LOGS"/*.log
fi
rm -rf "$LOGS"
echo "heavy suites: engines exit $engines_status, processes exit $processes_status"
[ "$engines_status" -eq 0 ] && [ "$processes_status" -eq 0 ]
