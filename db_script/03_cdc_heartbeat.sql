-- Heartbeat rows written by the routes (HEARTBEAT_ENABLED): a table in the replicated schema app_db, so each
-- beat travels TiDB -> TiCDC -> Kafka -> routes and proves the whole path end to end.
-- Runs unchanged on TiDB, MySQL 8 and MariaDB 10.6+; safe to run again.
CREATE TABLE IF NOT EXISTS app_db.cdc_heartbeat (
  id        INT          NOT NULL,
  beat_at   DATETIME(3)  NULL,
  instance  VARCHAR(255) NULL,
  PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
