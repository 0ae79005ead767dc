-- The demo application schema that TiCDC captures (changefeed filter app_db.*): users and their tokens,
-- with a few seed rows. User id 1 exists, so "update users set username = 'sagi' where id = 1" changes a row.
-- Runs unchanged on TiDB, MySQL 8 and MariaDB 10.6+; safe to run again: tables are only created when missing
-- and a seed row that already exists is left as it is (edits made by hand survive a re-run).
-- No FOREIGN KEY: user_tokens.user_id is only indexed, so the demo load and TiCDC see plain row changes
-- and never cascaded ones.
CREATE DATABASE IF NOT EXISTS app_db DEFAULT CHARACTER SET utf8mb4 DEFAULT COLLATE utf8mb4_bin;

CREATE TABLE IF NOT EXISTS app_db.users (
  id          INT          NOT NULL AUTO_INCREMENT,
  username    VARCHAR(64)  NOT NULL,
  email       VARCHAR(255) NOT NULL,
  created_at  TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at  TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY idx_users_username (username),
  KEY idx_users_email (email)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

CREATE TABLE IF NOT EXISTS app_db.user_tokens (
  id          BIGINT       NOT NULL AUTO_INCREMENT,
  user_id     INT          NOT NULL,
  token       VARCHAR(128) NOT NULL,
  expires_at  DATETIME(3)  NOT NULL,
  created_at  TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY uk_user_tokens_token (token),
  KEY idx_user_tokens_user (user_id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin;

-- explicit ids keep the seeds stable; "id = id" turns a second run into a no-op (no row change, no CDC event)
INSERT INTO app_db.users (id, username, email) VALUES
  (1, 'alice', 'alice@example.com'),
  (2, 'bob',   'bob@example.com'),
  (3, 'carol', 'carol@example.com')
ON DUPLICATE KEY UPDATE id = id;

INSERT INTO app_db.user_tokens (id, user_id, token, expires_at) VALUES
  (1, 1, 'seed-token-alice-0001', '2030-01-01 00:00:00.000'),
  (2, 2, 'seed-token-bob-0001',   '2030-01-01 00:00:00.000')
ON DUPLICATE KEY UPDATE id = id;
