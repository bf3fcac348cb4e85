#!/usr/bin/env bash
# `make demo-hosts`: what `make demo` does, on three simulated machines (real sshd instances on
# 127.0.0.2-4, see scripts/hosts/simulate.sh): deploys the embedded example's model-api to all
# three and its doc-converter to the third, shows status per host, deploys a release that fails
# its health check on ONE host and shows every host rolled back, deploys a good release, rolls it
# back by hand, cleans up. Works in a temporary folder; leaves no process or sshd running.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product crank >/dev/null
bash scripts/ssh-tools.sh >/dev/null
CRANK="$PWD/.build/debug/crank"
DEMO=$(mktemp -d "${TMPDIR:-/tmp}/crank-demo-hosts.XXXXXX")
HOSTS="$DEMO/.hosts"
cleanup() {
  "$CRANK" clean --env hosts --yes -C "$DEMO/project" >/dev/null 2>&1 || true
  bash scripts/hosts/simulate.sh stop "$HOSTS" || true
  rm -rf "$DEMO"
}
trap cleanup EXIT
mkdir -p "$DEMO/project"
cp -R examples/rpa-platform/. "$DEMO/project/"
rm -rf "$DEMO/project/.crank"
bash scripts/hosts/simulate.sh start 3 "$HOSTS"
{
  echo "# Three simulated machines (scripts/hosts/simulate.sh); the services bind each host's address."
  echo "environments:"
  echo "  hosts:"
  echo "    target: local"
  sed 's/^/    /' "$HOSTS/hosts.yaml"
  echo "    roles:"
  echo "      web: [host-1, host-2, host-3]"
  echo "      workers: [host-3]"
  echo "deployments:"
  echo "  rpa1-intake: null"
  echo "  rpa2-report: null"
  echo "  rpa3-convert: null"
  echo "  model-api:"
  echo "    role: web"
  echo "    env: {APP_VERSION: \"\${APP_VERSION:-1.0.0}\", FAIL_HEALTH: \"\${FAIL_HEALTH:-0}\"}"
  echo "    health: {path: /health, timeout: 5}"
  echo "  doc-converter:"
  echo "    role: workers"
  echo "    env: {ALLOW_MISSING_PANDOC: \"1\"}"
} >"$DEMO/project/deployment/environments/hosts.yaml"
export MODEL_API_TOKEN="demo-token-$RANDOM$RANDOM"
crank() { "$CRANK" "$@" -C "$DEMO/project"; }
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold="" plain=""; fi
step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$plain"; }
versions() { for a in 127.0.0.2 127.0.0.3 127.0.0.4; do printf '%s: ' "$a"; curl -s "http://$a:8080/health" || printf 'no answer'; echo; done; }

step "crank validate --env hosts"
crank validate --env hosts

step "crank deploy --env hosts   (model-api on 3 hosts, doc-converter on host-3)"
crank deploy --env hosts --reason "first deploy"
versions

step "crank status --env hosts"
crank status --env hosts

step "release 2.0.0 fails its health check on host-2 only: every host goes back"
if APP_VERSION=2.0.0 FAIL_HEALTH=host-2 crank deploy --env hosts --reason "release 2.0.0"; then echo "expected a failure"; exit 1; fi
echo "(exit 1: host-2 failed its gate; host-1 and host-3 were restored too)"
versions

step "a good release 1.1.0, then crank rollback"
APP_VERSION=1.1.0 crank deploy --env hosts --reason "release 1.1.0"
versions
crank rollback --env hosts
versions
crank history --env hosts

step "crank clean --env hosts --yes"
crank clean --env hosts --yes
left=$(ps -eo args | grep -c "[c]rank-demo-hosts.*model_api\|[c]rank-demo-hosts.*doc_converter" || true)
echo "processes left on the hosts: $left; the simulated hosts stop on exit"
