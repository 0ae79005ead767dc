#!/bin/sh
# Deletes TiCDC's claim-check objects once no Kafka record can name them any more.
#
#   claim-check-prune.sh DIR            a pass now and one every CLAIM_CHECK_PRUNE_INTERVAL_SECONDS, for ever
#   claim-check-prune.sh DIR --once     one pass
#   claim-check-prune.sh DIR --healthy  exit 0 when a pass ended within two intervals (the container healthcheck)
#
# TiCDC writes each object (<uuid>.json) before the Kafka record that names it and never deletes one. A record leaves
# the topic at most retention plus one segment roll after it was written (Kafka deletes whole closed segments), so
# CLAIM_CHECK_RETENTION_HOURS must be longer than log.retention.hours + log.roll.hours; docker-compose.yml sets the
# three together. Only files named *.json directly in DIR are touched, by their modification time.
set -eu

usage="usage: claim-check-prune.sh DIR [--once|--healthy]"
dir=${1:?$usage}
mode=${2:-loop}
retention_hours=${CLAIM_CHECK_RETENTION_HOURS:-216}
interval=${CLAIM_CHECK_PRUNE_INTERVAL_SECONDS:-3600}
marker=${CLAIM_CHECK_PRUNE_MARKER:-/tmp/claim-check-pruned}

fail() {
  echo "claim-check-prune: $*" >&2
  exit 2
}

positive() {
  case "$2" in
    '' | *[!0-9]* | 0*) fail "$1 must be a positive whole number, not '$2'" ;;
  esac
}
positive CLAIM_CHECK_RETENTION_HOURS "$retention_hours"
positive CLAIM_CHECK_PRUNE_INTERVAL_SECONDS "$interval"

prune() {
  [ -d "$dir" ] || { echo "claim-check-prune: $dir is not a directory" >&2; return 1; }
  # a file that cannot be deleted fails the pass, so the marker, and with it the healthcheck, stay old
  deleted=$(find "$dir" -maxdepth 1 -type f -name '*.json' -mmin +"$((retention_hours * 60))" -print -delete) || return 1
  deleted=$(printf '%s' "$deleted" | grep -c '' || true)
  kept=$(find "$dir" -maxdepth 1 -type f -name '*.json' | grep -c '' || true)
  echo "claim-check-prune: $(date -u +%Y-%m-%dT%H:%M:%SZ) deleted $deleted object(s) older than" \
    "${retention_hours}h from $dir, $kept kept"
  touch "$marker"
}

case "$mode" in
  --once) prune ;;
  --healthy) [ -n "$(find "$marker" -mmin -"$((interval * 2 / 60 + 1))" 2>/dev/null)" ] ;;
  loop)
    # PID 1 of its container: a shell ignores SIGTERM unless it traps it, and runs the trap only between commands,
    # so the sleep runs aside and "wait" returns at once on "docker compose stop"
    trap 'exit 0' TERM INT
    while :; do
      # a failed pass (the volume not mounted yet) is logged and the next one tries again; the healthcheck says so
      prune || true
      sleep "$interval" &
      wait $!
    done
    ;;
  *) fail "$usage" ;;
esac
