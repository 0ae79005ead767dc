#!/usr/bin/env bash
# Tests start.sh without a Docker engine: a fake "docker" on PATH plays the engine and the compose plugin,
# with containers that turn healthy after a set number of seconds (or never, or exit), and start.sh's
# behaviour is checked from its exit code and output. Run from anywhere; prints the count of scenarios ok and failing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/test-start.XXXXXX")
LISTENER_PID=""
cleanup() {
  if [ -n "$LISTENER_PID" ]; then kill "$LISTENER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/bin"
cat >"$WORK/bin/docker" <<'FAKE'
#!/usr/bin/env bash
# fake docker: state lives in $FAKE_STATE; FAKE_READY_<svc> = seconds after "up -d" until healthy (-1: never),
# FAKE_EXIT_<svc> = exit code the container stops with at that time instead of turning healthy
# (<svc> with "_" for "-", e.g. FAKE_EXIT_db_init). FAKE_PREV_<svc> (or FAKE_PREV_ALL for every service) = "exited
# <code>": the container exists before "up -d", as an earlier run left it, until compose starts it again
# FAKE_RESTART_<svc> (default 2) seconds after "up -d".
set -u
state=$FAKE_STATE
now=$(date +%s)
var() { local n="FAKE_${1}_${2//-/_}"; echo "${!n:-${3}}"; }
echo "$*" >>"$state/calls"
if [ "${1:-}" = info ]; then
  [ "${FAKE_ENGINE_DOWN:-0}" = 1 ] && exit 1
  if [ "${FAKE_SOCKET_DENIED:-0}" = 1 ]; then
    echo "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock" >&2
    exit 1
  fi
  [ "${2:-}" = -f ] && echo "${FAKE_MEM:-8589934592}"
  exit 0
fi
if [ "${1:-}" = version ]; then echo "28.0.0-fake"; exit 0; fi
if [ "${1:-}" = buildx ]; then [ "${FAKE_NO_BUILDX:-0}" = 1 ] && exit 1; echo "github.com/docker/buildx v0.17.1"; exit 0; fi
if [ "${1:-}" = inspect ]; then
  fmt=$3; id=$4; svc=${id#fake-}
  started=$(cat "$state/started" 2>/dev/null || echo "")
  at="run-${started:-$now}"
  # every "up -d" runs the one-shot db-init again; a running stack's other containers are left alone
  if [ "$svc" = db-init ] && [ -f "$state/up_at" ]; then
    started=$(cat "$state/up_at")
    at="up-$(cat "$state/up_id")"
  fi
  prev=$(var PREV "$svc" "${FAKE_PREV_ALL:-}")
  if [ -n "$prev" ] && { [ -z "$started" ] || [ $((now - started)) -lt "$(var RESTART "$svc" 2)" ]; }; then
    if [[ $fmt == *State.Running* ]]; then echo false; else echo "$prev none 2026-01-01T08:00:00.1Z"; fi
    exit 0
  fi
  [ -n "$started" ] || started=$now
  ready=$(var READY "$svc" 1); code=$(var EXIT "$svc" "")
  up=no; [ "$ready" -ge 0 ] && [ $((now - started)) -ge "$ready" ] && up=yes
  if [[ $fmt == *State.Running* ]]; then
    if [ "$up" = yes ] && [ -n "$code" ]; then echo false; else echo true; fi
  elif [ "$svc" = db-init ]; then
    if [ "$up" = yes ]; then echo "exited ${code:-0} none $at"; else echo "running 0 none $at"; fi
  elif [ "$up" = yes ] && [ -n "$code" ]; then echo "exited $code none $at"
  elif [ "$up" = yes ]; then echo "running 0 healthy $at"
  elif [ "$ready" -lt 0 ]; then echo "running 0 unhealthy $at"
  else echo "running 0 starting $at"; fi
  exit 0
fi
[ "${1:-}" = compose ] || { echo "fake docker: unexpected $*" >&2; exit 1; }
shift
[ "${FAKE_NO_COMPOSE:-0}" = 1 ] && { echo "docker: 'compose' is not a docker command." >&2; exit 1; }
case "$1" in
  version) if [ "${2:-}" = --short ]; then echo "2.26.1"; else echo "Docker Compose version v2.26.1"; fi ;;
  build) echo "fake build $2" ;;
  up)
    if [ "${2:-}" = --no-start ]; then echo "fake create"; exit 0; fi
    [ -f "$state/started" ] || echo "$now" >"$state/started"
    echo "$now" >"$state/up_at"
    echo "$$" >"$state/up_id"
    echo "$COMPOSE_PROFILES" >"$state/profiles"
    echo "${HOST_BIND:-unset}" >"$state/bind"
    sleep 1
    exit "${FAKE_UP_EXIT:-0}" ;;
  ps)
    if [ -f "$state/started" ] || [ -n "$(var PREV "${!#}" "${FAKE_PREV_ALL:-}")" ]; then echo "fake-${!#}"; fi
    exit 0 ;;
  logs) echo "fake log line of ${!#}" ;;
  down) echo "fake down $* profiles=$COMPOSE_PROFILES"; rm -f "$state/started" ;;
  *) echo "fake compose: unexpected $*" >&2; exit 1 ;;
esac
FAKE
chmod +x "$WORK/bin/docker"

passed=0
failed=0
OUT="$WORK/out"

# run_start NAME EXPECTED_EXIT [ENV=VALUE...] -- [start.sh arguments...]
run_start() {
  local name=$1 expected=$2 rc=0
  shift 2
  local envs=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  rm -rf "$WORK/state" && mkdir -p "$WORK/state"
  # host ports below Linux's ephemeral range (32768-60999): start.sh probes a port by connecting to it, and a probe of
  # a port in that range now and then gets it as its own source port and connects to itself (about 1 in 30,000)
  env -i PATH="$WORK/bin:$PATH" HOME="$WORK" TMPDIR="$WORK" FAKE_STATE="$WORK/state" \
    HOST_PORT_PD=22379 HOST_PORT_TIDB=24000 HOST_PORT_TIDB_STATUS=20080 HOST_PORT_TICDC=28300 \
    HOST_PORT_ROUTES=28080 HOST_PORT_PROMETHEUS=29090 HOST_PORT_GRAFANA=23000 \
    ${envs[@]+"${envs[@]}"} bash "${START_SH:-$ROOT/start.sh}" "$@" </dev/null >"$OUT" 2>&1 || rc=$?
  CASE=$name
  if [ "$rc" = "$expected" ]; then
    return 0
  fi
  fail "exit code $rc, expected $expected"
}

expect() {
  if grep -qF -- "$1" "$OUT"; then return 0; fi
  fail "output lacks: $1"
}

fail() {
  echo "FAIL $CASE: $1" >&2
  sed 's/^/    | /' "$OUT" >&2
  failed=$((failed + 1))
  return 1
}

ok() {
  echo "ok   $CASE"
  passed=$((passed + 1))
}

t() {
  if "$@"; then ok; fi
}

happy() {
  run_start "all components become ready" 0 FAKE_READY_pd=0 FAKE_READY_tikv=1 FAKE_READY_routes=3 -- &&
    expect "ready  pd" && expect "ready  tikv" && expect "ready  tidb" && expect "ready  ticdc" &&
    expect "ready  kafka" && expect "ready  claim-check-pruner" && expect "ready  db-init" &&
    expect "ready  routes" &&
    expect "mysql -h 127.0.0.1 -P 24000 -u root" && expect "update users set username = 'sagi' where id = 1;" &&
    expect "data/sink/app_db/users" && expect "docker compose logs -f routes" && expect "./start.sh down" &&
    ! grep -q "ready  prometheus" "$OUT"
}

profiles() {
  run_start "--monitoring --demo start the profiles" 0 -- --monitoring --demo &&
    expect "ready  prometheus" && expect "ready  grafana" && expect "ready  demo-load" &&
    { [ "$(cat "$WORK/state/profiles")" = "monitoring,demo" ] || fail "COMPOSE_PROFILES not monitoring,demo"; }
}

unhealthy_times_out() {
  run_start "a component that never turns healthy times out with its logs" 1 FAKE_READY_tikv=-1 -- --timeout 4 &&
    expect "tikv is not ready: no readiness within 4s" && expect "last 50 log lines of tikv" &&
    expect "fake log line of tikv" && expect "ready  pd"
}

db_init_fails() {
  run_start "a failing db-init stops the wait at once" 1 FAKE_EXIT_db_init=1 -- &&
    expect "db-init is not ready: exited with code 1" && expect "fake log line of db-init"
}

exited_service() {
  run_start "a crashed service is reported" 1 FAKE_READY_kafka=1 FAKE_EXIT_kafka=137 -- &&
    expect "kafka is not ready: stopped (exit code 137)"
}

up_fails() {
  run_start "compose up giving up names the unhealthy component" 1 FAKE_UP_EXIT=1 FAKE_READY_ticdc=-1 -- &&
    expect "ticdc is not ready: 'docker compose up -d' failed"
}

# hold_port / release_port: a listener on 28080 (the routes' port in these cases), as a running routes container
hold_port() {
  python3 -m http.server 28080 --bind 127.0.0.1 >/dev/null 2>&1 &
  LISTENER_PID=$!
  local i=0
  until (exec 3<>/dev/tcp/127.0.0.1/28080) 2>/dev/null; do
    if [ $i -ge 200 ]; then
      echo "FAIL $1: no listener on 28080 within 20 s" >&2
      failed=$((failed + 1))
      release_port
      return 1
    fi
    sleep 0.1
    i=$((i + 1))
  done
}

release_port() {
  kill "$LISTENER_PID" 2>/dev/null || true
  wait "$LISTENER_PID" 2>/dev/null || true
  LISTENER_PID=""
}

port_taken() {
  hold_port "a taken port is named before anything starts" || return 1
  run_start "a taken port is named before anything starts" 1 -- &&
    expect "port 28080 (for routes) is already in use" &&
    { ! grep -q "^up -d" "$WORK/state/calls" || fail "started although a port is taken"; }
  local rc=$?
  release_port
  return $rc
}

rerun_on_running_stack() {
  hold_port "a re-run on a running stack is safe" || return 1
  # the stack already runs: the routes' own port is taken by the routes themselves
  mkdir -p "$WORK/state2" && date +%s >"$WORK/state2/started"
  CASE="a re-run on a running stack is safe"
  local rc=0
  env -i PATH="$WORK/bin:$PATH" HOME="$WORK" TMPDIR="$WORK" FAKE_STATE="$WORK/state2" HOST_PORT_ROUTES=28080 \
    HOST_PORT_PD=22379 HOST_PORT_TIDB=24000 HOST_PORT_TIDB_STATUS=20080 HOST_PORT_TICDC=28300 \
    FAKE_READY_routes=0 bash "$ROOT/start.sh" </dev/null >"$OUT" 2>&1 || rc=$?
  release_port
  [ "$rc" = 0 ] || { fail "exit code $rc"; return 1; }
  expect "ready  routes"
}

stopped_stack_restarts() {
  run_start "a stack left exited by 'docker compose stop' or a reboot starts again" 0 FAKE_PREV_ALL="exited 0" \
    FAKE_PREV_kafka="exited 137" FAKE_PREV_routes="exited 143" FAKE_READY_routes=3 -- &&
    expect "ready  pd" && expect "ready  kafka" && expect "ready  db-init" && expect "ready  routes" &&
    { ! grep -q "is not ready" "$OUT" || fail "a container stopped before this run was taken for a failure"; }
}

earlier_db_init_failure() {
  run_start "a db-init that failed in an earlier run, its SQL fixed since, runs again" 0 \
    FAKE_PREV_db_init="exited 1" FAKE_RESTART_db_init=3 FAKE_READY_db_init=4 -- &&
    expect "ready  db-init" && expect "ready  routes" &&
    { ! grep -q "db-init is not ready" "$OUT" || fail "the earlier run's failure was reported"; }
}

crash_after_restart() {
  run_start "a restarted service that then crashes is still reported" 1 FAKE_PREV_ALL="exited 0" \
    FAKE_READY_kafka=3 FAKE_EXIT_kafka=137 -- &&
    expect "kafka is not ready: stopped (exit code 137)"
}

localhost_only() {
  run_start "ports are published on 127.0.0.1 unless HOST_BIND says otherwise" 0 -- &&
    { [ "$(cat "$WORK/state/bind")" = 127.0.0.1 ] || fail "compose got HOST_BIND=$(cat "$WORK/state/bind")"; } &&
    { ! grep -q "HOST_BIND" "$OUT" || fail "a warning without HOST_BIND"; }
}

dotenv_settings() {
  # a copy of start.sh with its own .env, so that the repository's .env is neither read nor written
  mkdir -p "$WORK/stack"
  cp "$ROOT/start.sh" "$WORK/stack/start.sh"
  printf '%s\n' '# the stack' 'HOST_BIND=0.0.0.0' 'HOST_PORT_KAFKA="29092"' 'CHANGEFEED_ID=orders-feed' >"$WORK/stack/.env"
  START_SH="$WORK/stack/start.sh" run_start "HOST_BIND and HOST_PORT_KAFKA from .env, with a warning" 0 -- &&
    expect "warning: HOST_BIND=0.0.0.0 publishes every port beyond this machine" &&
    expect "Kafka from host:  localhost:29092" && expect "localhost:29092" &&
    expect "changefeeds/orders-feed" &&
    { [ "$(cat "$WORK/state/bind")" = 0.0.0.0 ] || fail "compose got HOST_BIND=$(cat "$WORK/state/bind")"; }
}

socket_denied() {
  run_start "no permission on Docker's socket: named as such" 1 FAKE_SOCKET_DENIED=1 -- &&
    expect "may not use its socket" && expect "usermod -aG docker"
}

no_buildx() {
  run_start "no buildx: a clear message before any build" 1 FAKE_NO_BUILDX=1 -- &&
    expect "docker buildx is missing" &&
    { ! grep -q "^compose build" "$WORK/state/calls" || fail "built without buildx"; }
}

low_memory() {
  run_start "too little memory for Docker: a warning" 0 FAKE_MEM=4294967296 -- &&
    expect "Docker has 4096 MiB of memory; the stack needs about 6 GB"
}

engine_down() {
  run_start "no engine: a clear message" 1 FAKE_ENGINE_DOWN=1 -- && expect "engine does not answer"
}

no_compose() {
  cat >"$WORK/bin/docker-compose" <<'EOF'
#!/bin/sh
echo "docker-compose version 1.25.0"
EOF
  chmod +x "$WORK/bin/docker-compose"
  run_start "no compose v2 and an old docker-compose: a clear message" 1 FAKE_NO_COMPOSE=1 -- &&
    expect "too old"
  local rc=$?
  rm -f "$WORK/bin/docker-compose"
  return $rc
}

down_needs_confirmation() {
  run_start "down without a terminal asks for -y" 1 -- down && expect "./start.sh down -y" &&
    { ! grep -q "^compose down" "$WORK/state/calls" || fail "down ran without confirmation"; }
}

down_yes() {
  run_start "down -y removes containers and volumes of every profile" 0 -- down -y &&
    expect "fake down down -v --remove-orphans profiles=monitoring,demo"
}

bad_argument() {
  run_start "an unknown argument prints the usage" 2 -- --frobnicate && expect "Usage:"
}

t happy
t profiles
t unhealthy_times_out
t db_init_fails
t exited_service
t up_fails
t port_taken
t rerun_on_running_stack
t stopped_stack_restarts
t earlier_db_init_failure
t crash_after_restart
t localhost_only
t dotenv_settings
t socket_denied
t no_buildx
t low_memory
t engine_down
t no_compose
t down_needs_confirmation
t down_yes
t bad_argument

# worded so that CI does not take it for the project's test summary, which is Maven's
echo "start.sh scenarios: $passed ok, $failed failing"
[ "$failed" = 0 ]
