#!/usr/bin/env bash
# `make bench`: times `crank discover --json` against `grep -rl` (the floor) and Prefect's own
# search_for_flow_functions on a synthetic 10,000-file tree, checks that the tools found the
# flows the generator wrote, and rewrites BENCHMARKS.md; then the release engine benchmark
# (deploy_bench.py) and the Prefect registration benchmark (prefect_register_bench.py: `crank
# deploy` against `prefect deploy --all`, 50 deployments, one real Prefect server) and the
# container target benchmark (container_bench.py: `crank deploy` / `crank rollback` of one
# container service to healthy, against `podman run` + the first HTTP 200 of the same image) and
# the remote-hosts benchmark (hosts_bench.py: `crank deploy` of a new release to 1, 3 and 6
# simulated hosts, against a loop of plain `ssh` commands, with and without SSH multiplexing).
# Takes about fifteen minutes: Prefect's search needs about a minute per run, the Prefect
# registration benchmark three to five minutes (`prefect deploy` of 50 takes 15-30 s per run),
# the container benchmark about two, the hosts benchmark about three. Every figure comes from
# this one run.
#
# BENCH_ONLY=prefect (`make bench-prefect`) runs only the Prefect registration benchmark,
# BENCH_ONLY=containers (`make bench-containers`) only the container benchmark, BENCH_ONLY=hosts
# (`make bench-hosts`) only the remote-hosts benchmark; each replaces only its own section of
# BENCHMARKS.md.
#
# Tunables (environment): BENCH_WARMUP (default 1), BENCH_MIN_RUNS (3), BENCH_MAX_RUNS (30);
# BENCH_PREFECT_RUNS (3) timed runs of each registering command; BENCH_CONTAINER_RUNS (6) rounds of
# the container benchmark; BENCH_HOSTS_RUNS (5) rounds of the hosts benchmark; BENCH_KEEP=1 keeps
# the raw measurements (hyperfine JSON, time -v reports, outputs, the Prefect, container and hosts
# benchmarks' projects and logs).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

TREE=bench-tree
CRANK=.build/release/crank
PYTHON=.venv/bin/python
WARMUP=${BENCH_WARMUP:-1}
MIN_RUNS=${BENCH_MIN_RUNS:-3}
MAX_RUNS=${BENCH_MAX_RUNS:-30}
CRANK_MEMORY_RUNS=3
PREFECT_RUNS=${BENCH_PREFECT_RUNS:-3}
CONTAINER_RUNS=${BENCH_CONTAINER_RUNS:-6}
HOSTS_RUNS=${BENCH_HOSTS_RUNS:-5}
ONLY=${BENCH_ONLY:-}
case "$ONLY" in
    "" | prefect | containers | hosts) ;;
    *) echo "error: BENCH_ONLY=$ONLY: the partial runs are BENCH_ONLY=prefect, BENCH_ONLY=containers and BENCH_ONLY=hosts" >&2; exit 2 ;;
esac

GREP_CMD="grep -rl flow $TREE"
CRANK_CMD="$CRANK discover $TREE --json -C $TREE > /dev/null"
PREFECT_CMD="$PYTHON scripts/prefect_search.py $TREE > /dev/null"

step() { printf '\n==> %s\n' "$*"; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/crank-bench.XXXXXX")
if [ -n "${BENCH_KEEP:-}" ]; then trap 'echo "measurements kept in $WORK"' EXIT; else trap 'rm -rf "$WORK"' EXIT; fi

crank_version() {
    echo "$("$CRANK" --version) (release build of commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- Sources Package.swift 2> /dev/null || echo ', with uncommitted changes'))"
}

# 50 flow deployments registered by `prefect deploy --all` and by `crank deploy` on one Prefect
# server; its section of BENCHMARKS.md is replaced (or appended). Exits non-zero, after writing
# the section, when a run did not register all 50.
prefect_register() {
    step "Prefect registration: crank deploy vs prefect deploy --all, 50 deployments ($PREFECT_RUNS runs each, a few minutes)"
    local keep=()
    [ -z "${BENCH_KEEP:-}" ] || keep=(--keep)
    python3 scripts/bench/prefect_register_bench.py "$PWD/$CRANK" "$PWD/.venv" --out "$WORK/prefect-register.json" \
        --runs "$PREFECT_RUNS" "${keep[@]}" || [ -s "$WORK/prefect-register.json" ]
    python3 scripts/bench/report.py prefect-register --results "$WORK/prefect-register.json" \
        --invoked-by "$([ "$ONLY" = prefect ] && echo "make bench-prefect" || echo "make bench")" \
        --crank-version "$(crank_version)" --out BENCHMARKS.md
}

# One container service deployed, rolled back and deployed again by `crank` (recreate and
# blue-green) against `podman run` + the first HTTP 200 of the same image; its section of
# BENCHMARKS.md is replaced (or appended). Exits non-zero, after writing the section, when a run
# failed its checks.
container_target() {
    step "Container target: crank deploy / rollback to healthy vs podman run + first HTTP 200 ($CONTAINER_RUNS rounds, about two minutes)"
    make --no-print-directory container-tools
    local keep=()
    [ -z "${BENCH_KEEP:-}" ] || keep=(--keep)
    CONTAINERS_CONF="$PWD/deployment/podman/containers.conf" python3 scripts/bench/container_bench.py "$PWD/$CRANK" \
        --out "$WORK/containers.json" --runs "$CONTAINER_RUNS" "${keep[@]}" || [ -s "$WORK/containers.json" ]
    python3 scripts/bench/report.py containers --results "$WORK/containers.json" \
        --invoked-by "$([ "$ONLY" = containers ] && echo "make bench-containers" || echo "make bench")" \
        --crank-version "$(crank_version)" --out BENCHMARKS.md
}

# A new release of one service deployed by `crank deploy` to 1, 3 and 6 simulated hosts (real
# sshd), with and without SSH multiplexing, against a loop of plain `ssh` commands doing the same;
# its section of BENCHMARKS.md is replaced (or appended). Exits non-zero, after writing the
# section, when a run failed its checks.
hosts_target() {
    step "Remote hosts: crank deploy to 1, 3 and 6 simulated hosts vs an ssh loop by hand ($HOSTS_RUNS rounds, about three minutes)"
    bash scripts/ssh-tools.sh > /dev/null
    local keep=()
    [ -z "${BENCH_KEEP:-}" ] || keep=(--keep)
    python3 scripts/bench/hosts_bench.py "$PWD/$CRANK" --out "$WORK/hosts.json" --runs "$HOSTS_RUNS" "${keep[@]}" \
        || [ -s "$WORK/hosts.json" ]
    python3 scripts/bench/report.py hosts --results "$WORK/hosts.json" \
        --invoked-by "$([ "$ONLY" = hosts ] && echo "make bench-hosts" || echo "make bench")" \
        --crank-version "$(crank_version)" --out BENCHMARKS.md
}

step "build crank (release)"
swift build -c release
"$CRANK" discover --help > /dev/null

if [ "$ONLY" = containers ]; then
    container_target
    exit
fi
if [ "$ONLY" = hosts ]; then
    hosts_target
    exit
fi

step "Prefect venv (make venv)"
make --no-print-directory venv
"$PYTHON" -c 'import prefect; print("prefect", prefect.__version__)'

if [ "$ONLY" = prefect ]; then
    prefect_register
    exit
fi

step "tools: hyperfine, GNU time"
missing=()
command -v hyperfine > /dev/null || missing+=(hyperfine)
[ -x /usr/bin/time ] || missing+=(time)
if [ ${#missing[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update
    $sudo apt-get install -y "${missing[@]}"
fi
hyperfine --version

step "benchmark tree ($TREE/)"
if [ -f "$TREE/.generated-v1" ]; then
    echo "reusing $TREE/ (delete it to regenerate)"
else
    rm -rf "$TREE"
    python3 scripts/bench/generate_tree.py "$TREE" > /dev/null
    python3 scripts/bench/generate_tree.py --check "$TREE"
fi
python3 - "$TREE/.generated-v1" << 'EOF'
import json, sys
tree = json.load(open(sys.argv[1]))
print("{:,} files, {:.1f} MB, {:,} flows".format(tree["files"], tree["bytes"] / 1e6, tree["flows"]))
EOF

step "peak memory and output: crank x$CRANK_MEMORY_RUNS (/usr/bin/time -v)"
for i in $(seq 1 "$CRANK_MEMORY_RUNS"); do
    if ! /usr/bin/time -v -o "$WORK/crank-time-$i.txt" "$CRANK" discover "$TREE" --json -C "$TREE" > "$WORK/crank.json"; then
        echo "error: crank discover exited non-zero on $TREE; its diagnostics:" >&2
        python3 - "$WORK/crank.json" << 'EOF' || true
import json, sys
for d in json.load(open(sys.argv[1]))["diagnostics"][:20]:
    print("  {}:{}: {}: {}: {}".format(d["file"], d.get("line"), d["severity"], d["code"], d["message"]), file=sys.stderr)
EOF
        exit 1
    fi
    grep -E "Maximum resident|Elapsed" "$WORK/crank-time-$i.txt" | sed 's/^\s*/  /'
done

step "wall time: grep, crank, Prefect — one hyperfine run (warmup $WARMUP, $MIN_RUNS..$MAX_RUNS runs each; Prefect gets $MIN_RUNS)"
# Other load on the machine skews every figure: record how busy the CPUs were just before.
background=$(python3 - << 'EOF' || true
import time
def sample():
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    return values[3] + values[4], sum(values)  # idle + iowait, total
idle1, total1 = sample()
time.sleep(2)
idle2, total2 = sample()
print(f"{100 * (1 - (idle2 - idle1) / max(1, total2 - total1)):.0f}%")
EOF
)
echo "CPUs busy in the 2 s before timing: $background"
hyperfine --warmup "$WARMUP" --min-runs "$MIN_RUNS" --max-runs "$MAX_RUNS" \
    --export-json "$WORK/hyperfine.json" \
    --command-name grep "$GREP_CMD" \
    --command-name crank "$CRANK_CMD" \
    --command-name prefect "$PREFECT_CMD"

step "peak memory and output: Prefect x1 (/usr/bin/time -v, about a minute)"
/usr/bin/time -v -o "$WORK/prefect-time.txt" "$PYTHON" scripts/prefect_search.py "$TREE" > "$WORK/prefect.json"
grep -E "Maximum resident|Elapsed" "$WORK/prefect-time.txt" | sed 's/^\s*/  /'

step "versions"
{
    echo "crank=$(crank_version)"
    echo "swift=$(swift --version 2>&1 | head -n 1)"
    echo "grep=$(grep --version | head -n 1)"
    echo "prefect=$("$PYTHON" -c 'import prefect, sys; print(prefect.__version__, "on Python", sys.version.split()[0])')"
    echo "hyperfine=$(hyperfine --version)"
} > "$WORK/versions.txt"
cat "$WORK/versions.txt"

step "report (BENCHMARKS.md)"
crank_times=()
for i in $(seq 1 "$CRANK_MEMORY_RUNS"); do crank_times+=(--crank-time "$WORK/crank-time-$i.txt"); done
python3 scripts/bench/report.py \
    --hyperfine "$WORK/hyperfine.json" \
    "${crank_times[@]}" \
    --prefect-time "$WORK/prefect-time.txt" \
    --crank-json "$WORK/crank.json" \
    --prefect-json "$WORK/prefect.json" \
    --tree-summary "$TREE/.generated-v1" \
    --versions "$WORK/versions.txt" \
    --command "grep=$GREP_CMD" \
    --command "crank=$CRANK_CMD" \
    --command "prefect=$PREFECT_CMD" \
    --settings "--warmup $WARMUP --min-runs $MIN_RUNS --max-runs $MAX_RUNS; runs per command chosen by hyperfine" \
    --tree "$TREE" \
    --background-cpu "$background" \
    --out BENCHMARKS.md

step "release engine: parallel deploy and rollback"
python3 scripts/bench/deploy_bench.py "$PWD/$CRANK" >> BENCHMARKS.md

prefect_register
container_target
hosts_target
