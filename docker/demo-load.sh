#!/bin/sh
# Demo load (profile "demo"): a steady trickle of inserts, updates and deletes in app_db, so the change stream
# is never empty during a demo. It only touches rows it created itself (username demo_*), never the seed rows.
# Every round writes the time to /tmp/demo-load.beat, which the service's healthcheck reads.
set -eu
host=${DB_HOST:-tidb}
port=${DB_PORT:-4000}
interval=${DEMO_INTERVAL_SECONDS:-2}
keep=${DEMO_KEEP_ROWS:-20}

trap 'echo "demo-load: stopping"; exit 0' TERM INT

sql() {
  mysql --protocol=TCP -h "$host" -P "$port" -u root -N -B app_db -e "$1"
}

echo "demo-load: writing to app_db on $host:$port every ${interval}s (keeps the newest $keep demo users)"
round=0
while :; do
  round=$((round + 1))
  tag="demo_$(date +%s)_$round"
  if sql "INSERT INTO users (username, email) VALUES ('$tag', '$tag@example.com');
          INSERT INTO user_tokens (user_id, token, expires_at)
            SELECT id, CONCAT('tok-', '$tag'), NOW(3) + INTERVAL 1 DAY FROM users WHERE username = '$tag';
          UPDATE users SET email = CONCAT('renamed_', '$tag', '@example.com')
            WHERE username LIKE 'demo\\_%' AND username <> '$tag' ORDER BY RAND() LIMIT 1;
          DELETE FROM user_tokens WHERE user_id IN (SELECT id FROM (SELECT id FROM users
            WHERE username LIKE 'demo\\_%' ORDER BY id DESC LIMIT 1000000 OFFSET $keep) AS old);
          DELETE FROM users WHERE id IN (SELECT id FROM (SELECT id FROM users
            WHERE username LIKE 'demo\\_%' ORDER BY id DESC LIMIT 1000000 OFFSET $keep) AS old);"; then
    date +%s > /tmp/demo-load.beat
  else
    echo "demo-load: round $round failed; retrying" >&2
  fi
  sleep "$interval" &
  wait $! || true
done
