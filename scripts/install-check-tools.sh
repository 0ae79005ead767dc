#!/usr/bin/env bash
# Installs what scripts/check-stack.sh needs, when missing, on a Debian/Ubuntu machine (CI, a dev box):
#   - shellcheck, from the distribution (apt-get install shellcheck)
#   - Compose v2 as a docker CLI plugin, so "docker compose config" works without a Docker engine.
#     Debian 12's docker-compose is v1.29, which rejects newer Compose keys; Debian 13 (trixie) packages
#     Compose v2 as a static binary. It is fetched with apt-get download through a private apt configuration
#     (its own sources list and package lists under $TOOLS_DIR), unpacked with dpkg -x, and copied to
#     ${DOCKER_CONFIG:-~/.docker}/cli-plugins/docker-compose. No system package or apt source is changed.
# Idempotent: a second run finds both tools and does nothing. Fails loudly when a tool cannot be had.
set -euo pipefail

TOOLS_DIR=${TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tidb-cdc-stack-tools}
PLUGIN_DIR=${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins
COMPOSE_SUITE=${COMPOSE_SUITE:-trixie}
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

install_shellcheck() {
  if command -v shellcheck >/dev/null 2>&1; then
    echo "shellcheck: $(shellcheck --version | sed -n 's/^version: //p') already installed"
    return
  fi
  command -v apt-get >/dev/null 2>&1 || die "shellcheck is missing and this is no apt-based system: install it"
  echo "shellcheck: installing from the distribution"
  as_root apt-get update -qq || die "apt-get update failed"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null ||
    die "apt-get install shellcheck failed"
  command -v shellcheck >/dev/null 2>&1 || die "shellcheck still missing after apt-get install"
}

install_compose_v2() {
  command -v docker >/dev/null 2>&1 || die "the docker client is missing; Compose v2 is installed as its plugin"
  if compose_v2_ok; then
    echo "compose: $(docker compose version) already installed"
    return
  fi
  local bin=$TOOLS_DIR/bin/docker-compose
  if [ ! -x "$bin" ] || ! "$bin" version --short 2>/dev/null | grep -q '^v\{0,1\}2\.'; then
    command -v apt-get >/dev/null 2>&1 || die "Compose v2 is missing and this is no apt-based system: install it"
    command -v dpkg >/dev/null 2>&1 || die "dpkg is missing"
    [ -r "$KEYRING" ] || die "$KEYRING is missing (package debian-archive-keyring)"
    echo "compose: fetching Debian $COMPOSE_SUITE's docker-compose (Compose v2) into $TOOLS_DIR"
    local apt_dir=$TOOLS_DIR/apt
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/sources.list.d" \
      "$apt_dir/preferences.d" "$TOOLS_DIR/bin" "$TOOLS_DIR/deb"
    echo "deb [signed-by=$KEYRING] $DEBIAN_MIRROR $COMPOSE_SUITE main" >"$apt_dir/sources.list"
    local apt_opts=(
      -o "Dir::Etc::sourcelist=$apt_dir/sources.list"
      -o "Dir::Etc::sourceparts=$apt_dir/sources.list.d"
      -o "Dir::Etc::preferencesparts=$apt_dir/preferences.d"
      -o "Dir::State::Lists=$apt_dir/lists"
      -o "Dir::Cache=$apt_dir/cache"
      -o "APT::Sandbox::User=$(id -un)"
    )
    apt-get "${apt_opts[@]}" -qq update || die "apt-get update of Debian $COMPOSE_SUITE failed"
    rm -f "$TOOLS_DIR"/deb/docker-compose_*.deb
    (cd "$TOOLS_DIR/deb" && apt-get "${apt_opts[@]}" -qq download docker-compose) ||
      die "apt-get download docker-compose from Debian $COMPOSE_SUITE failed"
    rm -rf "$TOOLS_DIR/deb/x"
    dpkg -x "$TOOLS_DIR"/deb/docker-compose_*.deb "$TOOLS_DIR/deb/x"
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

install_shellcheck
install_compose_v2
