#!/usr/bin/env bash
# Checks of the compose stack that need no Docker engine:
#   1. shellcheck on start.sh and every script of the stack
#   2. Compose v2 validation of docker-compose.yml ("docker compose config -q"), with and without the profiles
#   3. start.sh's behaviour against a fake docker (scripts/test-start.sh)
# Needs shellcheck and Compose v2 (scripts/install-check-tools.sh installs both). Exits non-zero on any failure.
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

command -v shellcheck >/dev/null 2>&1 || { echo "shellcheck missing: run scripts/install-check-tools.sh" >&2; exit 1; }

run "shellcheck" shellcheck start.sh scripts/*.sh docker/*.sh .ci/run
echo "    compose: $(compose_v2 version 2>&1 | head -n 1)"
compose_config() {
  COMPOSE_PROFILES=$1 compose_v2 config -q
}
run "compose config (default services)" compose_config ""
run "compose config (profiles monitoring, demo)" compose_config monitoring,demo
run "start.sh against a fake docker" bash scripts/test-start.sh

if [ "$failures" -ne 0 ]; then
  echo "check-stack: $failures check(s) failed" >&2
  exit 1
fi
echo "check-stack: all checks passed"
