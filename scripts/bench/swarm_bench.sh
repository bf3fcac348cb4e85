#!/usr/bin/env bash
# `make bench-swarm`: a rolling update of 3 replicas (start-first, parallelism 1, delay 0s,
# monitor 2s, HEALTHCHECK every 2s) on the private swarm (scripts/swarm-tools.sh), done by
# `crank rollback --to rN` (re-applying a kept release: stack deploy, wait until every replica
# runs the new spec and the old containers stopped, crank's gate on each task and the proxy)
# against `docker service update --detach=false --image` by hand on a twin service with the same
# update config and healthcheck — and, like every service of a stack, attached to an overlay
# network (BENCH_SWARM_HAND_NETWORK=0 leaves the twin without one). Alternates between two images already in the engine, so no build
# is timed. Prints a Markdown table; BENCH_SWARM_RUNS (default 3) rounds each.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
RUNS=${BENCH_SWARM_RUNS:-3}
CRANK=${CRANK_BIN:-$ROOT/.build/debug/crank}
export DOCKER_HOST=$(bash scripts/swarm-tools.sh | tail -1)
export CONTAINERS_CONF=$ROOT/deployment/podman/containers.conf
bash scripts/container-tools.sh >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
project=bsw$port
dir=$(mktemp -d)
hand=$project-hand
cleanup() {
    "$CRANK" clean --env cluster --yes -C "$dir" >/dev/null 2>&1 || true
    docker service rm "$hand" >/dev/null 2>&1 || true
    sleep 2; docker network rm "$hand-net" >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT
mkdir -p "$dir/www" "$dir/deployment/environments"
cat > "$dir/crank.yaml" <<YAML
project: $project
deployments:
  web:
    kind: container
    command: [httpd, -f, -p, "$port", -h, /app/www]
    port: $port
    health: {path: /health, timeout: 20}
environments:
  cluster:
    target: swarm
    container: {engine: podman, base_image: "localhost/crank-busybox:latest"}
    swarm:
      docker_host: "$DOCKER_HOST"
      publish: proxy
      update: {parallelism: 1, delay: 0s, order: start-first, monitor: 2s}
YAML
printf 'deployments:\n  web: {replicas: 3}\n' > "$dir/deployment/environments/cluster.yaml"
printf '.crank/\n' > "$dir/.gitignore"
echo ok > "$dir/www/health"
git() { command git -C "$dir" -c user.email=b@example.com -c user.name=bench "$@"; }
git init -q
for v in v1 v2; do
    echo "$v" > "$dir/www/index.html"
    git add -A && git commit -qm "$v"
    "$CRANK" deploy --env cluster -C "$dir" >/dev/null 2>&1
done
images=($(docker service inspect --format '{{.Spec.TaskTemplate.ContainerSpec.Image}}' "${project}-cluster_web"))
v2=${images[0]}
v1=$(docker image ls --format '{{.Repository}}:{{.Tag}}' "localhost/$project-web" | grep -v "^$v2\$" | head -1)
health="wget -q -O /dev/null http://127.0.0.1:$port/health"
network=()
if [ "${BENCH_SWARM_HAND_NETWORK:-1}" = 1 ]; then
    docker network create -d overlay "$hand-net" >/dev/null
    network=(--network "$hand-net")
fi
docker service create --detach=false --quiet --no-resolve-image --name "$hand" "${network[@]}" --replicas 3 --init \
    --publish mode=host,target="$port" --health-cmd "$health" --health-interval 2s --health-timeout 2s --health-retries 3 \
    --health-start-period 20s --update-parallelism 1 --update-delay 0s --update-order start-first --update-monitor 2s \
    --update-failure-action rollback "$v2" httpd -f -p "$port" -h /app/www >/dev/null
now() { date +%s.%N; }
crank_times=(); hand_times=()
for round in $(seq 1 "$RUNS"); do
    for target in r1 r2; do
        start=$(now); "$CRANK" rollback --env cluster --to "$target" -C "$dir" >/dev/null 2>&1; end=$(now)
        crank_times+=("$(echo "$end - $start" | bc)")
    done
    for image in "$v1" "$v2"; do
        start=$(now); docker service update --detach=false --quiet --image "$image" "$hand" >/dev/null 2>&1; end=$(now)
        hand_times+=("$(echo "$end - $start" | bc)")
    done
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2] + a[NR/2+1]) / 2}'; }
c=$(median "${crank_times[@]}"); h=$(median "${hand_times[@]}")
echo "| rolling update, 3 replicas, start-first (${#crank_times[@]} runs each) | median s | all runs (s) |"
echo "|---|---|---|"
echo "| \`docker service update --detach=false --image\` by hand$([ ${#network[@]} -gt 0 ] && echo ' (overlay network, as in a stack)') | $(printf %.2f "$h") | $(printf '%.2f ' "${hand_times[@]}")|"
echo "| \`crank rollback --to rN\` (stack deploy + convergence + gate) | $(printf %.2f "$c") | $(printf '%.2f ' "${crank_times[@]}")|"
echo "| crank / hand | $(echo "scale=3; $c / $h" | bc) | |"
