package org.tidbcdc.routes.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.tidbcdc.routes.canal.ChangeEvent;

class AuditRowsTest {

    static List<ChangeEvent> events(int n, String payload) {
        List<ChangeEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(JsonLinesSinkTest.event("d", "t", i, 1735689600123L, payload));
        }
        return out;
    }

    @Test
    void rowsAreCutIntoChunksOfAtMostTheBatchSize() {
        List<List<List<Object>>> chunks = new AuditRows(500, Long.MAX_VALUE).chunks(events(1201, "x"));
        assertThat(chunks).extracting(List::size).containsExactly(500, 500, 201);
    }

    @Test
    void aChunkNeverHoldsMorePlaceholdersThanAPreparedStatementTakes() {
        List<List<List<Object>>> chunks = new AuditRows(100_000, Long.MAX_VALUE).chunks(events(4000, "x"));
        assertThat(chunks.get(0)).hasSize(AuditRows.MAX_PLACEHOLDERS / AuditRows.COLUMNS);
        assertThat(chunks.get(0).get(0)).hasSize(AuditRows.COLUMNS);
    }

    @Test
    void chunksStayWithinTheByteBoundAndAnOversizedRowGoesAlone() {
        List<List<List<Object>>> chunks = new AuditRows(500, 10_000).chunks(events(10, "y".repeat(3000)));
        assertThat(chunks).hasSize(10);
    }

    @Test
    void aRowCarriesTheRecordsFieldsInTheInsertsColumnOrderWithCommitTimeInUtc() {
        List<Object> row = new AuditRows(1, 1).chunks(events(1, "z")).get(0).get(0);
        assertThat(row).hasSize(AuditRows.COLUMNS);
        // event_key, op, ddl_type, source_db, source_table, commit_ts, commit_time, pk (sql/audit-insert.sql)
        assertThat(row.subList(0, 8)).containsExactly("k0", "INSERT", null, "d", "t", "455000614534643715",
                "2025-01-01 00:00:00.123", "{\"id\":0}");
        assertThat((String) row.get(9)).contains("\"v\":\"z\"");
        // key_only, claim_check_location, kafka_topic, kafka_partition, kafka_offset
        assertThat(row.subList(12, 17)).containsExactly(0, null, "t", 0, 0L);
    }

    /** The audit insert as the route runs it (classpath:sql/audit-insert.sql). */
    static String insertSql() throws IOException {
        try (InputStream in = AuditRows.class.getResourceAsStream("/sql/audit-insert.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theInsertHasOnePlaceholderPerRowValue() throws IOException {
        assertThat(insertSql().chars().filter(c -> c == '?').count()).isEqualTo(AuditRows.COLUMNS);
    }
}
