package org.tidbcdc.routes.sink;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.tidbcdc.routes.canal.ChangeEvent;

/**
 * Turns a batch of changes into the parameter rows of the audit insert (db_script/02_cdc_audit.sql), cut into chunks of
 * at most AUDIT_BATCH_SIZE rows and AUDIT_MAX_BATCH_BYTES of text, so one JDBC batch stays within max_allowed_packet.
 * The images are the same JSON text the file sink writes.
 *
 * <p>Rows are positional lists, not maps of named parameters: camel-sql parses a named query again for every row of a
 * batch, which the benchmark profile showed as a tenth of the consumer thread.
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

    /** The audit sink route's split: the JDBC batches of the changes its route received. */
    public List<List<List<Object>>> jdbcBatches(ChangeList changes) {
        return chunks(changes.events());
    }

    public List<List<List<Object>>> chunks(List<ChangeEvent> events) {
        List<List<List<Object>>> chunks = new ArrayList<>();
        List<List<Object>> chunk = new ArrayList<>();
        long bytes = 0;
        for (ChangeEvent e : events) {
            List<Object> row = row(e);
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

    /** Each row's values, in the order of the placeholders of sql/audit-insert.sql. */
    static List<Object> row(ChangeEvent e) {
        return Arrays.asList(
                e.eventKey(),
                e.op().name(),
                e.ddlType(),
                e.database(),
                e.table(),
                e.commitTs(),
                COMMIT_TIME.format(e.commitTime()),
                e.pkJson(),
                e.beforeJson(),
                e.afterJson(),
                e.changedColumnsJson(),
                e.sql(),
                e.keyOnly() ? 1 : 0,
                e.claimCheckLocation(),
                e.source().topic(),
                e.source().partition(),
                e.source().offset());
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
