INSERT INTO change_event
  (event_key, op, ddl_type, source_db, source_table, commit_ts, commit_time, pk, before_image, after_image,
   changed_columns, ddl_sql, key_only, claim_check_location, kafka_topic, kafka_partition, kafka_offset)
VALUES
  (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON DUPLICATE KEY UPDATE id = id
