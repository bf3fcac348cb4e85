#!/usr/bin/env bash
# `make demo`: deploys the embedded example (examples/rpa-platform) to `dev` on this machine,
# shows status and a passing health check, gives the doc-converter worker a new config without a
# restart (crank reload), deploys a change that breaks /health and shows the
# automatic rollback with its reason, deploys a good change, rolls it back by hand, then cleans
# up. Works on a copy in a temporary folder and leaves no process running.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product crank >/dev/null
CRANK="$PWD/.build/debug/crank"
DEMO=$(mktemp -d "${TMPDIR:-/tmp}/crank-demo.XXXXXX")
cleanup() { "$CRANK" clean --env dev --yes -C "$DEMO" >/dev/null 2>&1 || true; rm -rf "$DEMO"; }
trap cleanup EXIT
cp -R examples/rpa-platform/. "$DEMO/"
rm -rf "$DEMO/.crank"
export MODEL_API_TOKEN="demo-token-$RANDOM$RANDOM"   # a secret: crank never prints it
crank() { "$CRANK" "$@" -C "$DEMO"; }
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold="" plain=""; fi
step() { printf '\n%s==> %s%s\n' "$bold" "$*" "$plain"; }
expect_fail() { if "$@"; then echo "expected a failure"; exit 1; fi; }

step "crank validate --env dev"
crank validate --env dev

step "crank deploy --env dev   (first release)"
crank deploy --env dev --reason "first deploy"

step "crank status --env dev"
crank status --env dev

step "crank health --env dev"
crank health --env dev
curl -s http://127.0.0.1:18080/models | head -c 200; echo

step "crank reload --env dev doc-converter   (a config change applied without a restart)"
sed -i 's/      ALLOW_MISSING_PANDOC: "1".*/&\n      POLL_SECONDS: "1"         # poll faster: applied live by crank reload/' "$DEMO/deployment/environments/dev.yaml"
echo "before: $(curl -s http://127.0.0.1:8081/config | head -c 200)"
crank reload --env dev doc-converter --reason "poll every second"
echo "after:  $(curl -s http://127.0.0.1:8081/config | head -c 200)"

step "a change that breaks /health: model-api 2.0.0 with FAIL_HEALTH=1"
python3 - "$DEMO/deployment/environments/dev.yaml" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
text = text.replace('      PORT: "18080"', '      PORT: "18080"\n      APP_VERSION: "2.0.0"\n      FAIL_HEALTH: "1"', 1)
text = text.replace("  model-api:\n", "  model-api:\n    health: {path: /health, timeout: 4}\n", 1)
open(path, "w").write(text)
PY
crank plan --env dev || true
expect_fail crank deploy --env dev --reason "release 2.0.0"
echo "(exit 1: the deploy failed its health gate and the previous release was restored)"
curl -s http://127.0.0.1:18080/health; echo

step "crank history --env dev"
crank history --env dev

step "a good change: model-api 1.1.0"
sed -i 's/      APP_VERSION: "2.0.0"/      APP_VERSION: "1.1.0"/; /      FAIL_HEALTH: "1"/d' "$DEMO/deployment/environments/dev.yaml"
crank deploy --env dev --reason "release 1.1.0"
curl -s http://127.0.0.1:18080/health; echo

step "crank rollback --env dev   (back to the release before)"
crank rollback --env dev
curl -s http://127.0.0.1:18080/health; echo
crank history --env dev

step "crank clean --env dev --yes"
crank clean --env dev --yes
if pgrep -f "$DEMO" >/dev/null; then echo "processes left running"; exit 1; fi
echo "no process left running; the demo folder is removed on exit"
