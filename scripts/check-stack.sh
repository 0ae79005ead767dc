#!/usr/bin/env bash
# Checks of the compose stack that need no Docker engine:
#   1. shellcheck on start.sh and every script of the stack
#   2. Compose v2 validation of docker-compose.yml ("docker compose config -q"), with and without the profiles
#   3. start.sh's behaviour against a fake docker (scripts/test-start.sh), and the claim-check pruner's on the real
#      file system (scripts/test-claim-check-prune.sh)
#   4. promtool: the monitoring profile's Prometheus configuration with its alert rules, the rules' unit tests,
#      and the PromQL of every Grafana dashboard query
# Needs shellcheck, jq, Compose v2 and promtool (scripts/install-check-tools.sh installs them). Exits non-zero on any
# failure.
set -euo pipefail
cd "$(dirname "$0")/.."

failures=0
run() {
  local what=$1
  shift
  echo "--- $what"
  if "$@"; then
    echo "    ok"
  else
    echo "    FAILED: $what" >&2
    failures=$((failures + 1))
  fi
}

# Compose v2: the docker CLI plugin, else a v2 binary named by COMPOSE_V2_BIN or found as docker-compose
compose_v2() {
  if docker compose version >/dev/null 2>&1; then
    docker compose "$@"
  elif [ -n "${COMPOSE_V2_BIN:-}" ]; then
    "$COMPOSE_V2_BIN" "$@"
  elif command -v docker-compose >/dev/null 2>&1 && docker-compose version --short 2>/dev/null | grep -q '^v\{0,1\}2\.'; then
    docker-compose "$@"
  else
    echo "no Compose v2 found: run scripts/install-check-tools.sh" >&2
    return 127
  fi
}

# promtool: on the PATH, else where scripts/install-check-tools.sh puts it
TOOLS_DIR=${TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tidb-cdc-stack-tools}
promtool_bin() {
  if command -v promtool >/dev/null 2>&1; then
    command -v promtool
  else
    echo "$TOOLS_DIR/bin/promtool"
  fi
}
PROMTOOL=$(promtool_bin)

for tool in shellcheck jq "$PROMTOOL"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$tool missing: run scripts/install-check-tools.sh" >&2; exit 1; }
done

# Every query of the dashboard as a recording rule, so that promtool parses its PromQL; Grafana's own interval
# variables become a fixed range.
dashboard_queries() {
  local rules
  rules=$(mktemp)
  {
    echo "groups:"
    echo "  - name: dashboard"
    echo "    rules:"
    jq -r '[.. | objects | select(has("expr")) | .expr] | to_entries[]
           | "      - record: dashboard_query_\(.key)\n        expr: \(.value | gsub("\\$__(rate_)?interval"; "5m") | tojson)"' \
      monitoring/grafana/dashboards/cdc-pipeline.json
  } >"$rules"
  "$PROMTOOL" check rules "$rules"
  local rc=$?
  rm -f "$rules"
  return $rc
}

run "shellcheck" shellcheck start.sh scripts/*.sh docker/*.sh .ci/run
echo "    compose: $(compose_v2 version 2>&1 | head -n 1)"
compose_config() {
  COMPOSE_PROFILES=$1 compose_v2 config -q
}
run "compose config (default services)" compose_config ""
run "compose config (profiles monitoring, demo)" compose_config monitoring,demo
run "start.sh against a fake docker" bash scripts/test-start.sh
run "claim-check-prune.sh on the file system" bash scripts/test-claim-check-prune.sh
echo "    promtool: $("$PROMTOOL" --version 2>&1 | head -n 1)"
run "promtool check config (Prometheus with its alert rules)" "$PROMTOOL" check config monitoring/prometheus/prometheus.yml
run "promtool test rules (the alerts' unit tests)" "$PROMTOOL" test rules monitoring/prometheus/cdc-alerts.test.yml
run "promtool check rules (the dashboard's queries)" dashboard_queries

if [ "$failures" -ne 0 ]; then
  echo "check-stack: $failures check(s) failed" >&2
  exit 1
fi
echo "check-stack: all checks passed"
