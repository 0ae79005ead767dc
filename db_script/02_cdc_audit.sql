-- The audit table of the CDC routes: one row per change, made idempotent by event_key.
-- Runs unchanged on TiDB, MySQL 8 and MariaDB 10.6+; safe to run again.
CREATE DATABASE IF NOT EXISTS cdc_audit DEFAULT CHARACTER SET utf8mb4 DEFAULT COLLATE utf8mb4_bin;

CREATE TABLE IF NOT EXISTS cdc_audit.change_event (
  id               BIGINT       NOT NULL AUTO_INCREMENT,
  event_key        CHAR(64)     CHARACTER SET ascii COLLATE ascii_bin NOT NULL COMMENT 'hex SHA-256, see docs/change-record.md',
  op               VARCHAR(8)   NOT NULL COMMENT 'INSERT, UPDATE, DELETE or DDL',
  ddl_type         VARCHAR(16)  NULL     COMMENT 'Canal DDL type for op = DDL',
  source_db        VARCHAR(255) NOT NULL,
  source_table     VARCHAR(255) NOT NULL,
  commit_ts        BIGINT UNSIGNED NULL  COMMENT 'TiDB commit TSO; NULL without enable-tidb-extension',
  commit_time      DATETIME(3)  NOT NULL COMMENT 'UTC',
  pk               LONGTEXT     NULL     COMMENT 'JSON object of the primary-key columns',
  before_image     LONGTEXT     NULL     COMMENT 'JSON',
  after_image      LONGTEXT     NULL     COMMENT 'JSON',
  changed_columns  LONGTEXT     NULL     COMMENT 'JSON array, UPDATE only',
  ddl_sql          LONGTEXT     NULL,
  key_only         TINYINT(1)   NOT NULL DEFAULT 0,
  claim_check_location TEXT         NULL     COMMENT 'unbounded: it comes from the message',
  kafka_topic      VARCHAR(255) NOT NULL,
  kafka_partition  INT          NOT NULL,
  kafka_offset     BIGINT       NOT NULL,
  received_at      DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) COMMENT 'UTC when the session time zone is UTC',
  PRIMARY KEY (id),
  UNIQUE KEY uk_change_event_key (event_key),
  KEY idx_change_event_table (source_db, source_table, commit_ts)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;
