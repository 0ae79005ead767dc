#!/bin/sh
# Container healthcheck: http-ready.sh URL [REGEX]
# Exits 0 when URL answers with a 2xx status and, if REGEX (grep -E) is given, its body matches it.
#
# The PingCAP images are minimal and differ in their tools: the PD and TiCDC images have wget, the TiDB image
# has curl, and every one of them has /bin/busybox (PingCAP's base image copies it in). So this script uses
# whichever exists instead of assuming one; it runs under the image's own /bin/sh.
set -u
url=${1:?usage: http-ready.sh URL [REGEX]}
pattern=${2:-}

fetch() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 4 "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -T 4 -O - "$1"
  elif [ -x /bin/busybox ]; then
    # no -T: some busybox builds crash on it; the healthcheck's own timeout bounds the call
    /bin/busybox wget -q -O - "$1"
  else
    echo "http-ready: no curl, wget or busybox in this image" >&2
    return 127
  fi
}

body=$(fetch "$url") || { echo "http-ready: $url does not answer 2xx" >&2; exit 1; }
[ -z "$pattern" ] && exit 0

if command -v grep >/dev/null 2>&1; then
  printf '%s\n' "$body" | grep -Eq "$pattern" && exit 0
else
  printf '%s\n' "$body" | /bin/busybox grep -Eq "$pattern" && exit 0
fi
echo "http-ready: $url answers, but not yet with /$pattern/" >&2
exit 1
