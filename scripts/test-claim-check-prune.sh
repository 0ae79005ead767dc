#!/usr/bin/env bash
# Tests docker/claim-check-prune.sh on the real file system: objects aged with "touch -d", the script run as the
# compose service runs it, and its exit code, output and what is left in the folder checked.
# Prints the count of scenarios ok and failing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SCRIPT="$ROOT/docker/claim-check-prune.sh"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/test-claim-check-prune.XXXXXX")
LOOP_PID=""
cleanup() {
  if [ -n "$LOOP_PID" ]; then kill "$LOOP_PID" 2>/dev/null || true; fi
  chmod -R u+w "$WORK" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

passed=0
failed=0
OUT="$WORK/out"
# a command that runs the script as another user, when a case needs one
SCRIPT_AS=()
DIR="$WORK/claim-check"
MARKER="$WORK/pruned"

# prune EXPECTED_EXIT [ENV=VALUE...] -- [arguments after DIR...]
prune() {
  local expected=$1 rc=0
  shift
  local envs=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  ${SCRIPT_AS[@]+"${SCRIPT_AS[@]}"} env -i PATH="$PATH" CLAIM_CHECK_PRUNE_MARKER="$MARKER" \
    ${envs[@]+"${envs[@]}"} sh "$SCRIPT" "$DIR" "$@" </dev/null >"$OUT" 2>&1 || rc=$?
  [ "$rc" = "$expected" ] || fail "exit code $rc, expected $expected"
}

fresh() {
  rm -rf "$DIR" "$MARKER"
  mkdir -p "$DIR"
}

# object NAME AGE: a file of that age ("10 days ago", "now")
object() {
  mkdir -p "$(dirname "$DIR/$1")"
  echo '{"key":null,"value":"e30="}' >"$DIR/$1"
  touch -d "$2" "$DIR/$1"
}

present() { [ -e "$DIR/$1" ] || fail "$1 was deleted"; }
absent() { [ ! -e "$DIR/$1" ] || fail "$1 is still there"; }
expect() { grep -qF -- "$1" "$OUT" || fail "output lacks: $1"; }

fail() {
  echo "FAIL $CASE: $1" >&2
  sed 's/^/    | /' "$OUT" >&2 2>/dev/null || true
  failed=$((failed + 1))
  return 1
}

t() {
  CASE=$1
  if "$2"; then
    echo "ok   $CASE"
    passed=$((passed + 1))
  fi
}

older_objects_go() {
  fresh
  object old-1.json "10 days ago" && object old-2.json "217 hours ago" && object young.json "215 hours ago" &&
    object now.json "now" && object old.json.tmp "10 days ago" && object nested/old.json "10 days ago" &&
    prune 0 -- --once &&
    absent old-1.json && absent old-2.json && present young.json && present now.json &&
    present old.json.tmp && present nested/old.json &&
    expect "deleted 2 object(s) older than 216h from $DIR, 2 kept" &&
    { [ -e "$MARKER" ] || fail "no marker after a pass"; }
}

retention_is_a_setting() {
  fresh
  object a.json "3 hours ago" && object b.json "1 hour ago" &&
    prune 0 CLAIM_CHECK_RETENTION_HOURS=2 -- --once &&
    absent a.json && present b.json && expect "deleted 1 object(s) older than 2h"
}

healthy_after_a_recent_pass() {
  fresh
  prune 1 -- --healthy || return 1
  prune 0 -- --once && prune 0 -- --healthy || return 1
  # a pass older than two intervals (and a minute) is unhealthy
  touch -d "10 minutes ago" "$MARKER"
  prune 1 CLAIM_CHECK_PRUNE_INTERVAL_SECONDS=60 -- --healthy && prune 0 -- --healthy
}

bad_settings_name_themselves() {
  fresh
  prune 2 CLAIM_CHECK_RETENTION_HOURS=0 -- --once &&
    expect "CLAIM_CHECK_RETENTION_HOURS must be a positive whole number, not '0'" &&
    prune 2 CLAIM_CHECK_PRUNE_INTERVAL_SECONDS=1h -- --once &&
    expect "CLAIM_CHECK_PRUNE_INTERVAL_SECONDS must be a positive whole number, not '1h'" &&
    prune 2 -- --sometimes && expect "usage: claim-check-prune.sh DIR"
}

missing_folder_fails_the_pass() {
  fresh
  rm -rf "$DIR"
  prune 1 -- --once && expect "$DIR is not a directory" &&
    { [ ! -e "$MARKER" ] || fail "a failed pass left a marker"; }
}

undeletable_object_fails_the_pass() {
  fresh
  object old.json "10 days ago"
  if [ "$(id -u)" = 0 ]; then
    # root deletes from a read-only folder: run the script as nobody in a folder of root's instead
    chmod 755 "$WORK" && SCRIPT_AS=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  else
    chmod a-w "$DIR"
  fi
  prune 1 -- --once && present old.json && expect "Permission denied" &&
    { [ ! -e "$MARKER" ] || fail "a failed pass left a marker"; }
  local rc=$?
  SCRIPT_AS=()
  chmod u+w "$DIR"
  return $rc
}

the_loop_prunes_every_interval() {
  fresh
  env -i PATH="$PATH" CLAIM_CHECK_PRUNE_MARKER="$MARKER" CLAIM_CHECK_PRUNE_INTERVAL_SECONDS=1 \
    sh "$SCRIPT" "$DIR" </dev/null >"$OUT" 2>&1 &
  LOOP_PID=$!
  local deadline=$((SECONDS + 20))
  until [ -e "$MARKER" ]; do
    [ "$SECONDS" -lt "$deadline" ] || { fail "no first pass within 20 s"; return 1; }
    sleep 0.1
  done
  # an object that ages past the retention after the first pass is deleted by a later one; the pass deletes before
  # it logs, so the wait is for its line, not for the file to go
  object late.json "10 days ago"
  until grep -qF "deleted 1 object(s)" "$OUT"; do
    [ "$SECONDS" -lt "$deadline" ] || { fail "late.json not pruned within 20 s"; return 1; }
    sleep 0.1
  done
  kill "$LOOP_PID"
  LOOP_PID=""
  absent late.json
}

a_stop_ends_the_sleep() {
  fresh
  env -i PATH="$PATH" CLAIM_CHECK_PRUNE_MARKER="$MARKER" sh "$SCRIPT" "$DIR" </dev/null >"$OUT" 2>&1 &
  LOOP_PID=$!
  local deadline=$((SECONDS + 20)) rc=0
  until [ -e "$MARKER" ]; do
    [ "$SECONDS" -lt "$deadline" ] || { fail "no first pass within 20 s"; return 1; }
    sleep 0.1
  done
  # SIGTERM in the middle of an hour's sleep: the trap ends the loop with status 0 (untrapped it would be 143,
  # and as PID 1 of a container it would be ignored until the kill)
  kill -TERM "$LOOP_PID"
  deadline=$((SECONDS + 5))
  while kill -0 "$LOOP_PID" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || { fail "still running 5 s after SIGTERM"; return 1; }
    sleep 0.1
  done
  wait "$LOOP_PID" || rc=$?
  LOOP_PID=""
  [ "$rc" = 0 ] || fail "exit status $rc after SIGTERM, expected 0"
}

t "objects older than the retention are deleted, younger and other files kept" older_objects_go
t "CLAIM_CHECK_RETENTION_HOURS sets the age" retention_is_a_setting
t "--healthy: a pass within two intervals" healthy_after_a_recent_pass
t "bad settings stop it with a message that names them" bad_settings_name_themselves
t "a folder that is not there fails the pass" missing_folder_fails_the_pass
t "an object that cannot be deleted fails the pass" undeletable_object_fails_the_pass
t "the loop prunes again every interval" the_loop_prunes_every_interval
t "SIGTERM ends the loop during its sleep" a_stop_ends_the_sleep

# worded so that CI does not take it for the project's test summary, which is Maven's
echo "claim-check-prune scenarios: $passed ok, $failed failing"
[ "$failed" = 0 ]
