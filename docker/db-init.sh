#!/bin/sh
# One-shot db-init: applies /db_script/*.sql (DB_SCRIPT_DIR) to TiDB in name order (byte order, LC_ALL=C). Every script is
# idempotent, so running db-init again (every ./start.sh does) is harmless.
set -eu
host=${DB_HOST:-tidb}
port=${DB_PORT:-4000}
user=${DB_USER:-root}
wait_seconds=${DB_WAIT_SECONDS:-120}
scripts=${DB_SCRIPT_DIR:-/db_script}

run_mysql() {
  if [ -n "${DB_PASSWORD:-}" ]; then
    MYSQL_PWD=$DB_PASSWORD mysql --protocol=TCP -h "$host" -P "$port" -u "$user" --default-character-set=utf8mb4 "$@"
  else
    mysql --protocol=TCP -h "$host" -P "$port" -u "$user" --default-character-set=utf8mb4 "$@"
  fi
}

# TiDB's status port answers a moment before its SQL port takes logins: wait for a real query
waited=0
until run_mysql -e 'SELECT 1' >/dev/null 2>&1; do
  if [ "$waited" -ge "$wait_seconds" ]; then
    echo "db-init: TiDB at $host:$port took no SQL login within ${wait_seconds}s" >&2
    run_mysql -e 'SELECT 1' || true
    exit 1
  fi
  sleep 1
  waited=$((waited + 1))
done

LC_ALL=C
export LC_ALL
applied=0
for f in "$scripts"/*.sql; do
  [ -f "$f" ] || continue
  echo "db-init: applying $f"
  run_mysql < "$f"
  applied=$((applied + 1))
done
if [ "$applied" -eq 0 ]; then
  echo "db-init: no $scripts/*.sql found; is ./db_script mounted?" >&2
  exit 1
fi
echo "db-init: applied $applied script(s) to $host:$port"
