#!/usr/bin/env bash
# Installs what scripts/check-stack.sh needs, when missing, on a Debian/Ubuntu machine (CI, a dev box):
#   - shellcheck and jq, from the distribution (apt-get install)
#   - Compose v2 as a docker CLI plugin, so "docker compose config" works without a Docker engine.
#     Debian 12's docker-compose is v1.29, which rejects newer Compose keys; Debian 13 (trixie) packages
#     Compose v2 as a static binary. It is fetched with apt-get download through a private apt configuration
#     (its own sources list and package lists under $TOOLS_DIR), unpacked with dpkg -x, and copied to
#     ${DOCKER_CONFIG:-~/.docker}/cli-plugins/docker-compose. No system package or apt source is changed.
#   - prometheus (the server ObservabilityIT runs, as /usr/bin/prometheus), from the distribution (apt-get install
#     --no-install-recommends). Its service is not wanted: where systemd runs, it is stopped and disabled after the
#     install; in a container without systemd the package's postinst does not start it.
#   - promtool (Prometheus's checker), from Debian trixie's promtool package the same way, into
#     $TOOLS_DIR/bin/promtool, unless one is on the PATH. check-stack.sh looks in both places.
# Idempotent: a second run finds every tool and does nothing. Fails loudly when a tool cannot be had.
set -euo pipefail

TOOLS_DIR=${TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tidb-cdc-stack-tools}
PLUGIN_DIR=${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins
DEBIAN_SUITE=${DEBIAN_SUITE:-${COMPOSE_SUITE:-trixie}}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

die() {
  echo "install-check-tools: $*" >&2
  exit 1
}

as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

compose_v2_ok() {
  docker compose version --short 2>/dev/null | grep -q '^v\{0,1\}2\.'
}

# Installs the distribution's package named $1 that brings the command $1; further arguments go to apt-get install.
install_from_distribution() {
  local tool=$1
  shift
  if command -v "$tool" >/dev/null 2>&1; then
    echo "$tool: already installed"
    return
  fi
  command -v apt-get >/dev/null 2>&1 || die "$tool is missing and this is no apt-based system: install it"
  echo "$tool: installing from the distribution"
  if [ -z "${APT_UPDATED:-}" ]; then
    as_root apt-get update -qq || die "apt-get update failed"
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" "$tool" >/dev/null ||
    die "apt-get install $tool failed"
  command -v "$tool" >/dev/null 2>&1 || die "$tool still missing after apt-get install"
}

# Unpacks Debian $DEBIAN_SUITE's package $1 into $TOOLS_DIR/deb/x (emptied first), through a private apt
# configuration: its own sources list and package lists under $TOOLS_DIR, no system source or package changed.
unpack_debian_package() {
  local package=$1
  command -v apt-get >/dev/null 2>&1 || die "$package is needed and this is no apt-based system: install it"
  command -v dpkg >/dev/null 2>&1 || die "dpkg is missing"
  [ -r "$KEYRING" ] || die "$KEYRING is missing (package debian-archive-keyring)"
  local apt_dir=$TOOLS_DIR/apt
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/sources.list.d" \
    "$apt_dir/preferences.d" "$TOOLS_DIR/bin" "$TOOLS_DIR/deb"
  echo "deb [signed-by=$KEYRING] $DEBIAN_MIRROR $DEBIAN_SUITE main" >"$apt_dir/sources.list"
  local apt_opts=(
    -o "Dir::Etc::sourcelist=$apt_dir/sources.list"
    -o "Dir::Etc::sourceparts=$apt_dir/sources.list.d"
    -o "Dir::Etc::preferencesparts=$apt_dir/preferences.d"
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::Cache=$apt_dir/cache"
    -o "APT::Sandbox::User=$(id -un)"
  )
  if [ -z "${PRIVATE_APT_UPDATED:-}" ]; then
    apt-get "${apt_opts[@]}" -qq update || die "apt-get update of Debian $DEBIAN_SUITE failed"
    PRIVATE_APT_UPDATED=1
  fi
  rm -f "$TOOLS_DIR/deb/${package}"_*.deb
  (cd "$TOOLS_DIR/deb" && apt-get "${apt_opts[@]}" -qq download "$package") ||
    die "apt-get download $package from Debian $DEBIAN_SUITE failed"
  rm -rf "$TOOLS_DIR/deb/x"
  dpkg -x "$TOOLS_DIR/deb/${package}"_*.deb "$TOOLS_DIR/deb/x"
}

install_prometheus() {
  if command -v prometheus >/dev/null 2>&1; then
    echo "prometheus: $(prometheus --version 2>&1 | head -n 1) already installed"
    return
  fi
  install_from_distribution prometheus --no-install-recommends
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    as_root systemctl disable --now prometheus.service >/dev/null 2>&1 || true
  fi
  echo "prometheus: installed $(prometheus --version 2>&1 | head -n 1); its service is not running"
}

install_compose_v2() {
  command -v docker >/dev/null 2>&1 || die "the docker client is missing; Compose v2 is installed as its plugin"
  if compose_v2_ok; then
    echo "compose: $(docker compose version) already installed"
    return
  fi
  local bin=$TOOLS_DIR/bin/docker-compose
  if [ ! -x "$bin" ] || ! "$bin" version --short 2>/dev/null | grep -q '^v\{0,1\}2\.'; then
    echo "compose: fetching Debian $DEBIAN_SUITE's docker-compose (Compose v2) into $TOOLS_DIR"
    unpack_debian_package docker-compose
    local found
    found=$(find "$TOOLS_DIR/deb/x" -type f -name docker-compose -path '*cli-plugins*' | head -n 1)
    [ -n "$found" ] || die "the docker-compose package holds no cli-plugins/docker-compose"
    cp "$found" "$bin"
    chmod 755 "$bin"
    rm -rf "$TOOLS_DIR/deb/x"
    "$bin" version --short | grep -q '^v\{0,1\}2\.' || die "$bin is not Compose v2: $("$bin" version)"
  fi
  mkdir -p "$PLUGIN_DIR"
  cp "$bin" "$PLUGIN_DIR/docker-compose"
  compose_v2_ok || die "docker compose does not answer after installing $PLUGIN_DIR/docker-compose"
  echo "compose: installed $(docker compose version) as $PLUGIN_DIR/docker-compose"
}

install_promtool() {
  if command -v promtool >/dev/null 2>&1; then
    echo "promtool: $(promtool --version 2>&1 | head -n 1) already installed"
    return
  fi
  local bin=$TOOLS_DIR/bin/promtool
  if [ ! -x "$bin" ] || ! "$bin" --version >/dev/null 2>&1; then
    echo "promtool: fetching Debian $DEBIAN_SUITE's promtool into $TOOLS_DIR"
    unpack_debian_package promtool
    [ -x "$TOOLS_DIR/deb/x/usr/bin/promtool" ] || die "the promtool package holds no usr/bin/promtool"
    cp "$TOOLS_DIR/deb/x/usr/bin/promtool" "$bin"
    chmod 755 "$bin"
    rm -rf "$TOOLS_DIR/deb/x"
  fi
  "$bin" --version >/dev/null 2>&1 || die "$bin does not run"
  echo "promtool: installed $("$bin" --version 2>&1 | head -n 1) as $bin"
}

install_from_distribution shellcheck
install_from_distribution jq
install_compose_v2
install_promtool
install_prometheus
