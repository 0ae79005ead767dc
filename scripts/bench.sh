#!/usr/bin/env bash
# The pipeline benchmark (docs/performance.md): builds routes.jar, then drains N generated Canal-JSON records with
# the routes and with a raw Kafka consumer on a real KRaft broker and a real MariaDB, measures latency at a fixed
# rate, and prints the table (also written to target/bench-report.md).
#
#   scripts/bench.sh                 # 500,000 records, 15 s warm-up and 30 s of latency at 2,000 records/s
#   scripts/bench.sh 100000          # another N
#   scripts/bench.sh 500000 -Dbench.jvm-options="-Xmx512m"   # any -Dbench.* setting of PipelineBenchmark
set -euo pipefail
cd "$(dirname "$0")/.."

records="${1:-500000}"
if [[ $# -gt 0 ]]; then
    shift
fi
if ! [[ "$records" =~ ^[0-9]+$ ]]; then
    echo "usage: scripts/bench.sh [records] [-Dbench.setting=value ...]" >&2
    exit 2
fi

mvn -B -ntp -Pbench verify -Dbench.records="$records" "$@"
echo
cat target/bench-report.md
