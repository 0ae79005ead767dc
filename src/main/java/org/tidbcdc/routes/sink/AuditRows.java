package org.tidbcdc.routes.sink;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.tidbcdc.routes.canal.ChangeEvent;

/**
 * Turns a batch of changes into parameter maps for the audit insert (db_script/02_cdc_audit.sql), cut into chunks of
 * at most AUDIT_BATCH_SIZE rows and AUDIT_MAX_BATCH_BYTES of text, so one JDBC batch stays within max_allowed_packet.
 * The images are the same JSON text the file sink writes.
 */
public final class AuditRows {

    /** DATETIME(3) as text in UTC, so no driver or session time zone can shift it. */
    private static final DateTimeFormatter COMMIT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    /** Fixed cost of a row besides its text columns: keys, numbers, names, SQL syntax. */
    private static final int ROW_OVERHEAD_BYTES = 256;
    /** A server-side prepared statement takes at most 65,535 placeholders; a rewritten batch is one statement. */
    static final int MAX_PLACEHOLDERS = 65_535;
    /** The placeholders of one row in sql/audit-insert.sql. */
    static final int COLUMNS = 17;

    private final int maxRows;
    private final long maxBytes;

    public AuditRows(int maxRows, long maxBytes) {
        this.maxRows = Math.min(maxRows, MAX_PLACEHOLDERS / COLUMNS);
        this.maxBytes = maxBytes;
    }

    public List<List<Map<String, Object>>> chunks(List<ChangeEvent> events) {
        List<List<Map<String, Object>>> chunks = new ArrayList<>();
        List<Map<String, Object>> chunk = new ArrayList<>();
        long bytes = 0;
        for (ChangeEvent e : events) {
            Map<String, Object> row = row(e);
            long size = size(e);
            if (!chunk.isEmpty() && (chunk.size() >= maxRows || bytes + size > maxBytes)) {
                chunks.add(chunk);
                chunk = new ArrayList<>();
                bytes = 0;
            }
            chunk.add(row);
            bytes += size;
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        return chunks;
    }

    static Map<String, Object> row(ChangeEvent e) {
        Map<String, Object> row = new HashMap<>(24);
        row.put("event_key", e.eventKey());
        row.put("op", e.op().name());
        row.put("ddl_type", e.ddlType());
        row.put("source_db", e.database());
        row.put("source_table", e.table());
        row.put("commit_ts", e.commitTs());
        row.put("commit_time", COMMIT_TIME.format(e.commitTime()));
        row.put("pk", e.pkJson());
        row.put("before_image", e.beforeJson());
        row.put("after_image", e.afterJson());
        row.put("changed_columns", e.changedColumnsJson());
        row.put("ddl_sql", e.sql());
        row.put("key_only", e.keyOnly() ? 1 : 0);
        row.put("claim_check_location", e.claimCheckLocation());
        row.put("kafka_topic", e.source().topic());
        row.put("kafka_partition", e.source().partition());
        row.put("kafka_offset", e.source().offset());
        return row;
    }

    private static long size(ChangeEvent e) {
        return ROW_OVERHEAD_BYTES + len(e.pkJson()) + len(e.beforeJson()) + len(e.afterJson())
                + len(e.changedColumnsJson()) + len(e.sql()) + len(e.database()) + len(e.table());
    }

    /** UTF-8 can take up to 3 bytes per char of a Java string in the BMP (4 for a surrogate pair, 2 chars). */
    private static long len(String s) {
        return s == null ? 0 : 3L * s.length();
    }
}
