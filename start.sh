#!/usr/bin/env bash
# Starts the TiDB -> TiCDC -> Kafka -> Camel routes stack on this machine and waits until it is really ready:
# every component's healthcheck passes and the routes report ready, which means the changefeed is "normal".
# Works with bash 3.2+ on Linux, macOS and Git Bash. Run "./start.sh --help" for the options.
set -euo pipefail

cd "$(dirname "$0")"

TIMEOUT=${START_TIMEOUT:-600}
MONITORING=0
DEMO=0
ACTION=up
ASSUME_YES=0
COMPOSE=()
UP_LOG=

usage() {
  cat <<'EOF'
Usage:
  ./start.sh [--monitoring] [--demo] [--timeout SECONDS]
      Check the prerequisites, build the routes image, start the stack with "docker compose up -d" and wait
      until every component is ready (one line per component). Safe to run again on a running stack.
      --monitoring      also start Prometheus (localhost:9090) and Grafana (localhost:3000)
      --demo            also start a steady trickle of inserts, updates and deletes into app_db
      --timeout SECONDS how long to wait for readiness (default 600, or $START_TIMEOUT)

  ./start.sh down [-y]
      Stop and remove every container and volume of the stack ("docker compose down -v"): TiDB's data,
      Kafka's topics and offsets are gone. Asks first unless -y is given. ./data/sink is left as it is.

  ./start.sh --help

Settings come from the environment or from ./.env, as docker compose reads them (.env.example lists them;
docs/compose-stack.md). Every port is published on 127.0.0.1 only; HOST_BIND=0.0.0.0 opens them to the network.
Host ports can be moved with HOST_PORT_TIDB, HOST_PORT_TIDB_STATUS, HOST_PORT_PD, HOST_PORT_TICDC, HOST_PORT_KAFKA,
HOST_PORT_ROUTES, HOST_PORT_PROMETHEUS and HOST_PORT_GRAFANA.
EOF
}

die() {
  echo "start.sh: $*" >&2
  exit 1
}

warn() {
  echo "start.sh: warning: $*" >&2
}

step() {
  echo "==> $*"
}

# ---- arguments ----

while [ $# -gt 0 ]; do
  case "$1" in
    --monitoring) MONITORING=1 ;;
    --demo) DEMO=1 ;;
    --timeout)
      [ $# -ge 2 ] || die "--timeout needs a number of seconds"
      TIMEOUT=$2
      shift
      ;;
    --timeout=*) TIMEOUT=${1#--timeout=} ;;
    down) ACTION=down ;;
    -y | --yes) ASSUME_YES=1 ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      echo "start.sh: unknown argument '$1'" >&2
      usage >&2
      exit 2
      ;;
  esac
  shift
done
case "$TIMEOUT" in
  '' | *[!0-9]*) die "--timeout needs a number of seconds, not '$TIMEOUT'" ;;
esac

# ---- settings ----

# a variable's value in ./.env, which docker compose reads as well (the last assignment; quotes removed)
dotenv_value() {
  local line value
  [ -f .env ] || return 0
  line=$(grep -E "^[[:space:]]*(export[[:space:]]+)?$1=" .env | tail -n 1 | tr -d '\r') || return 0
  value=${line#*=}
  value=${value#\"}
  value=${value%\"}
  value=${value#\'}
  value=${value%\'}
  printf '%s' "$value"
}

# the variables start.sh itself reads, from ./.env unless the environment sets them (compose's own precedence)
for name in HOST_BIND HOST_PORT_PD HOST_PORT_TIDB HOST_PORT_TIDB_STATUS HOST_PORT_TICDC HOST_PORT_KAFKA \
  HOST_PORT_ROUTES HOST_PORT_PROMETHEUS HOST_PORT_GRAFANA CHANGEFEED_ID; do
  if ! printenv "$name" >/dev/null; then
    value=$(dotenv_value "$name")
    if [ -n "$value" ]; then export "$name=$value"; fi
  fi
done
CHANGEFEED_ID=${CHANGEFEED_ID:-tidb-to-kafka}
HOST_BIND=${HOST_BIND:-127.0.0.1}
export HOST_BIND

# ---- prerequisites ----

# prints the major and minor version of a "x.y.z" or "vx.y.z" string as "x y"
major_minor() {
  local v=${1#v}
  local major=${v%%.*}
  local rest=${v#*.}
  local minor=${rest%%.*}
  case "$major$minor" in
    '' | *[!0-9]*) echo "0 0" ;;
    *) echo "$major $minor" ;;
  esac
}

find_compose() {
  local version major minor
  if docker compose version >/dev/null 2>&1; then
    COMPOSE=(docker compose)
  elif command -v docker-compose >/dev/null 2>&1; then
    COMPOSE=(docker-compose)
  else
    die "Docker Compose is missing: install the compose plugin (https://docs.docker.com/compose/install/)
          or docker-compose 1.29+, then run ./start.sh again"
  fi
  version=$("${COMPOSE[@]}" version --short 2>/dev/null | tr -d '\r' || echo 0)
  read -r major minor <<<"$(major_minor "$version")"
  if [ "$major" -lt 1 ] || { [ "$major" -eq 1 ] && [ "$minor" -lt 29 ]; }; then
    die "${COMPOSE[*]} $version is too old: this stack needs Compose v2, or docker-compose 1.29 or newer"
  fi
  COMPOSE_VERSION=$version
}

check_docker() {
  command -v docker >/dev/null 2>&1 ||
    die "docker is not installed or not on PATH (https://docs.docker.com/get-docker/)"
  find_compose
  local info_error
  if ! info_error=$(docker info 2>&1 >/dev/null); then
    case "$info_error" in
      *"permission denied"*)
        die "docker's engine runs, but your user may not use its socket (permission denied on /var/run/docker.sock).
          On Linux: sudo usermod -aG docker \"\$USER\", then log out and in again (or run 'newgrp docker')" ;;
      *) die "docker is installed, but its engine does not answer: start Docker Desktop (or 'sudo systemctl start docker' on Linux) and check 'docker info'" ;;
    esac
  fi
  # the Dockerfile needs BuildKit (RUN --mount), which docker builds with through the buildx plugin
  docker buildx version >/dev/null 2>&1 ||
    die "docker buildx is missing: the routes image needs BuildKit. Install the buildx plugin
          (Linux: the docker-buildx-plugin package; Docker Desktop ships it), then run ./start.sh again"
  # "docker-compose" v1 builds with the legacy builder unless told otherwise
  export DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1
}

# TiKV, TiDB, PD, TiCDC, Kafka and the routes together need about 6 GB; with less, one of them gets killed
check_memory() {
  local bytes
  bytes=$(docker info -f '{{.MemTotal}}' 2>/dev/null | tr -d '\r' || true)
  case "$bytes" in
    '' | *[!0-9]*) return 0 ;;
  esac
  # 5.5 GiB: a "6 GB" Docker Desktop reports a little less than 6 GiB
  if [ "$bytes" -lt 5905580032 ]; then
    warn "Docker has $((bytes / 1048576)) MiB of memory; the stack needs about 6 GB, and with less TiKV or Kafka
          is killed for memory. Give Docker more (Docker Desktop: Settings > Resources > Memory)."
  fi
}

check_bind() {
  case "$HOST_BIND" in
    127.0.0.1) ;;
    *)
      warn "HOST_BIND=$HOST_BIND publishes every port beyond this machine: TiDB's root without a password, PD's and
          TiCDC's admin APIs, Kafka without authentication and Grafana's admin/admin. On Linux, Docker's rules bypass
          ufw. Use it on a trusted network only; unset HOST_BIND to publish on 127.0.0.1 again." ;;
  esac
}

compose() {
  "${COMPOSE[@]}" "$@"
}

container_id() {
  # tr: docker.exe under Git Bash may end lines with CR
  compose ps -a -q "$1" </dev/null 2>/dev/null | tr -d '\r' | head -n 1 || true
}

service_running() {
  local id
  id=$(container_id "$1")
  [ -n "$id" ] && [ "$(docker inspect -f '{{.State.Running}}' "$id" </dev/null 2>/dev/null | tr -d '\r' || true)" = "true" ]
}

port_in_use() {
  # bash's /dev/tcp connects; a free local port refuses at once
  (exec 3<>"/dev/tcp/127.0.0.1/$1") >/dev/null 2>&1
}

who_uses() {
  if command -v lsof >/dev/null 2>&1; then
    lsof -nP -iTCP:"$1" -sTCP:LISTEN 2>/dev/null | awk 'NR == 2 { printf " - used by %s (pid %s)", $1, $2 }' || true
  fi
}

# "service:hostport" pairs of the ports this start publishes
published_ports() {
  echo "pd:${HOST_PORT_PD:-2379} tidb:${HOST_PORT_TIDB:-4000} tidb:${HOST_PORT_TIDB_STATUS:-10080}" \
    "ticdc:${HOST_PORT_TICDC:-8300} kafka:${HOST_PORT_KAFKA:-9092} routes:${HOST_PORT_ROUTES:-8080}"
  if [ "$MONITORING" = 1 ]; then
    echo "prometheus:${HOST_PORT_PROMETHEUS:-9090} grafana:${HOST_PORT_GRAFANA:-3000}"
  fi
}

check_ports() {
  local entry svc port busy=""
  for entry in $(published_ports); do
    svc=${entry%%:*}
    port=${entry#*:}
    # a port held by this stack's own running container is expected on a re-run
    if service_running "$svc"; then
      continue
    fi
    if port_in_use "$port"; then
      busy="$busy
    port $port (for $svc) is already in use$(who_uses "$port")"
    fi
  done
  if [ -n "$busy" ]; then
    die "ports needed by the stack are taken:$busy
  Stop whatever holds them, or move the stack's side with HOST_PORT_* (see ./start.sh --help)."
  fi
}

# ---- down ----

if [ "$ACTION" = down ]; then
  check_docker
  if [ "$ASSUME_YES" != 1 ]; then
    [ -t 0 ] || die "'down' deletes the stack's data; confirm with: ./start.sh down -y"
    printf 'Remove all containers and volumes of the stack (TiDB data, Kafka topics)? [y/N] '
    answer=""
    read -r answer || true
    case "$answer" in
      y | Y | yes | Yes | YES) ;;
      *)
        echo "Nothing removed."
        exit 1
        ;;
    esac
  fi
  COMPOSE_PROFILES=monitoring,demo compose down -v --remove-orphans
  echo "Stack removed. The file sink output in ./data/sink is kept; delete it yourself if you like."
  exit 0
fi

# ---- up ----

step "Checking prerequisites"
check_docker
check_memory
check_bind
profiles=""
[ "$MONITORING" = 1 ] && profiles="monitoring"
[ "$DEMO" = 1 ] && profiles="${profiles:+$profiles,}demo"
export COMPOSE_PROFILES="$profiles"
check_ports
# the routes container runs as this user, so the sink files on the host are this user's
HOST_UID=${HOST_UID:-$(id -u)}
HOST_GID=${HOST_GID:-$(id -g)}
export HOST_UID HOST_GID
mkdir -p data/sink
echo "    docker $(docker version -f '{{.Client.Version}}' 2>/dev/null || echo '?'), ${COMPOSE[*]} $COMPOSE_VERSION," \
  "engine running, ports free${profiles:+, profiles: $profiles}"

step "Building the routes image (the first build downloads Maven dependencies)"
compose build routes

step "Creating containers (the first run pulls the images, about 2.5 GB)"
compose up --no-start

# components in the order they come up: "service|what ready means"
components() {
  echo "pd|PD healthy, leader elected"
  echo "tikv|TiKV store Up, cluster initialized"
  echo "tidb|TiDB serving SQL on localhost:${HOST_PORT_TIDB:-4000}"
  echo "ticdc|TiCDC capture up, owner elected"
  echo "kafka|Kafka broker on kafka:29092 and localhost:${HOST_PORT_KAFKA:-9092}"
  echo "claim-check-pruner|claim-check objects older than Kafka's records pruned hourly"
  echo "db-init|db_script/*.sql applied"
  echo "routes|routes ready: changefeed $CHANGEFEED_ID is normal"
  if [ "$MONITORING" = 1 ]; then
    echo "prometheus|Prometheus on localhost:${HOST_PORT_PROMETHEUS:-9090}"
    echo "grafana|Grafana on localhost:${HOST_PORT_GRAFANA:-3000}"
  fi
  if [ "$DEMO" = 1 ]; then
    echo "demo-load|demo load writing into app_db"
  fi
}

# "<status> <exit code> <health> <started at>" of a container
container_state() {
  docker inspect -f '{{.State.Status}} {{.State.ExitCode}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.State.StartedAt}}' "$1" </dev/null 2>/dev/null | tr -d '\r' || echo "unknown 0 none -"
}

# "svc id started-at" of every container as it was before this run's "up -d": one that stopped then (a
# "docker compose stop", a reboot, a db-init that failed in an earlier run) and has not started since is no failure
# of this run, since "up -d" starts it again
PRE_RUN=""
record_pre_run() {
  local svc what id status code health started
  PRE_RUN=""
  while IFS='|' read -r svc what; do
    id=$(container_id "$svc")
    [ -n "$id" ] || continue
    read -r status code health started <<<"$(container_state "$id")"
    PRE_RUN="$PRE_RUN$svc $id $started
"
  done <<EOF
$(components)
EOF
}

stopped_before_this_run() {
  printf '%s' "$PRE_RUN" | grep -qxF "$1 $2 $3"
}

# prints "ready", "waiting <detail>" or "failed <detail>"
component_state() {
  local svc=$1 id status code health started
  id=$(container_id "$svc")
  if [ -z "$id" ]; then
    echo "waiting not created yet"
    return
  fi
  read -r status code health started <<<"$(container_state "$id")"
  case "$status" in
    exited | dead)
      if stopped_before_this_run "$svc" "$id" "$started"; then
        echo "waiting stopped before this run, not started again yet"
        return
      fi
      ;;
  esac
  if [ "$svc" = db-init ]; then
    case "$status" in
      exited) if [ "$code" = 0 ]; then echo ready; else echo "failed exited with code $code"; fi ;;
      *) echo "waiting $status" ;;
    esac
    return
  fi
  case "$status/$health" in
    running/healthy) echo ready ;;
    exited/* | dead/*) echo "failed stopped (exit code $code)" ;;
    */unhealthy) echo "waiting unhealthy, still retrying" ;;
    *) echo "waiting $status${health:+/$health}" ;;
  esac
}

show_failure() {
  local svc=$1 why=$2
  echo >&2
  echo "start.sh: $svc is not ready: $why" >&2
  echo "---- last 50 log lines of $svc ----" >&2
  compose logs --tail 50 "$svc" >&2 || true
  echo "----" >&2
  if [ "$svc" = routes ] && command -v curl >/dev/null 2>&1; then
    echo "Changefeed as TiCDC reports it (state, error):" >&2
    curl -s --max-time 5 "http://127.0.0.1:${HOST_PORT_TICDC:-8300}/api/v2/changefeeds/$CHANGEFEED_ID" >&2 || true
    echo >&2
  fi
  if [ -n "$UP_LOG" ] && [ -s "$UP_LOG" ]; then
    echo "---- output of '${COMPOSE[*]} up -d' ----" >&2
    tail -n 20 "$UP_LOG" >&2
  fi
  echo "The stack is left running for a look: '${COMPOSE[*]} ps', '${COMPOSE[*]} logs $svc';" \
    "docs/troubleshooting.md lists the usual stalls. './start.sh down' removes it." >&2
  exit 1
}

# the component to blame among the pending ones: the first that is unhealthy or stopped, else the first
culprit() {
  local svc what first
  while IFS='|' read -r svc what; do
    case "$(component_state "$svc")" in
      failed* | *unhealthy*)
        echo "$svc"
        return
        ;;
    esac
  done <<EOF
$1
EOF
  first=$(printf '%s\n' "$1" | head -n 1)
  echo "${first%%|*}"
}

cleanup() {
  [ -n "$UP_LOG" ] && rm -f "$UP_LOG"
  return 0
}
trap cleanup EXIT

step "Starting the stack and waiting for each component (timeout ${TIMEOUT}s)"
UP_LOG=$(mktemp "${TMPDIR:-/tmp}/start-up.XXXXXX")
record_pre_run
# "up -d" itself waits for the depends_on conditions; run it aside and report progress meanwhile
compose up -d >"$UP_LOG" 2>&1 &
up_pid=$!
up_done=0

pending=$(components)
start=$SECONDS
last_note=$SECONDS
while [ -n "$pending" ]; do
  still=""
  first_failed=""
  while IFS='|' read -r svc what; do
    [ -n "$svc" ] || continue
    state=$(component_state "$svc")
    case "$state" in
      ready)
        printf '    ready  %-18s %4ss  %s\n' "$svc" "$((SECONDS - start))" "$what"
        ;;
      failed*)
        [ -n "$first_failed" ] || first_failed="$svc|${state#failed }"
        still="$still$svc|$what
"
        ;;
      *)
        still="$still$svc|$what
"
        ;;
    esac
  done <<EOF
$pending
EOF
  pending=$(printf '%s' "$still")
  [ -n "$pending" ] || break

  if [ -n "$first_failed" ]; then
    show_failure "${first_failed%%|*}" "${first_failed#*|}"
  fi
  if [ "$up_done" = 0 ] && ! kill -0 "$up_pid" 2>/dev/null; then
    up_done=1
    if ! wait "$up_pid"; then
      # compose gave up (a dependency turned unhealthy or exited)
      svc=$(culprit "$pending")
      show_failure "$svc" "'${COMPOSE[*]} up -d' failed: $(tail -n 1 "$UP_LOG")"
    fi
  fi
  if [ $((SECONDS - start)) -ge "$TIMEOUT" ]; then
    svc=$(culprit "$pending")
    show_failure "$svc" "no readiness within ${TIMEOUT}s ($(component_state "$svc"))"
  fi
  if [ $((SECONDS - last_note)) -ge 20 ]; then
    last_note=$SECONDS
    echo "    ...    waiting for: $(printf '%s\n' "$pending" | cut -d'|' -f1 | tr '\n' ' ')($((SECONDS - start))s)"
  fi
  sleep 2
done
if [ "$up_done" = 0 ]; then
  wait "$up_pid" || true
fi

C="${COMPOSE[*]}"
cat <<EOF

The stack is ready: TiDB changes flow through TiCDC and Kafka into the routes.

  Connect to TiDB:  mysql -h 127.0.0.1 -P ${HOST_PORT_TIDB:-4000} -u root
                    use app_db; update users set username = 'sagi' where id = 1;
  See the change:   $C logs -f routes                     (the routes' log)
                    ls data/sink/app_db/users/              (the file sink, JSON Lines)
                    select * from cdc_audit.change_event order by id desc limit 5;   (the audit table)
  Health:           curl http://localhost:${HOST_PORT_ROUTES:-8080}/observe/health/ready
  Changefeed:       curl http://localhost:${HOST_PORT_TICDC:-8300}/api/v2/changefeeds/$CHANGEFEED_ID
  Kafka from host:  localhost:${HOST_PORT_KAFKA:-9092}, topic ti-db-updates
EOF
if [ "$MONITORING" = 1 ]; then
  echo "  Monitoring:       Grafana http://localhost:${HOST_PORT_GRAFANA:-3000} (admin/admin)," \
    "Prometheus http://localhost:${HOST_PORT_PROMETHEUS:-9090}"
fi
if [ "$DEMO" = 1 ]; then
  echo "  Demo load:        $C logs -f demo-load     (stop it: $C stop demo-load)"
fi
cat <<EOF
  Stop:             $C stop                (keeps the data; ./start.sh starts it again)
  Remove:           ./start.sh down             (= $C down -v: containers and volumes)
EOF
