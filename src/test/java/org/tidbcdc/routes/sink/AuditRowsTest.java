package org.tidbcdc.routes.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
        List<List<Map<String, Object>>> chunks = new AuditRows(500, Long.MAX_VALUE).chunks(events(1201, "x"));
        assertThat(chunks).extracting(List::size).containsExactly(500, 500, 201);
    }

    @Test
    void aChunkNeverHoldsMorePlaceholdersThanAPreparedStatementTakes() {
        List<List<Map<String, Object>>> chunks = new AuditRows(100_000, Long.MAX_VALUE).chunks(events(4000, "x"));
        assertThat(chunks.get(0)).hasSize(AuditRows.MAX_PLACEHOLDERS / AuditRows.COLUMNS);
        assertThat(chunks.get(0).get(0)).hasSize(AuditRows.COLUMNS);
    }

    @Test
    void chunksStayWithinTheByteBoundAndAnOversizedRowGoesAlone() {
        List<List<Map<String, Object>>> chunks = new AuditRows(500, 10_000).chunks(events(10, "y".repeat(3000)));
        assertThat(chunks).hasSize(10);
    }

    @Test
    void aRowCarriesTheRecordsFieldsWithCommitTimeInUtc() {
        Map<String, Object> row = new AuditRows(1, 1).chunks(events(1, "z")).get(0).get(0);
        assertThat(row).containsEntry("event_key", "k0").containsEntry("op", "INSERT")
                .containsEntry("commit_ts", "455000614534643715").containsEntry("commit_time", "2025-01-01 00:00:00.123")
                .containsEntry("pk", "{\"id\":0}").containsEntry("kafka_topic", "t").containsEntry("kafka_offset", 0L)
                .containsEntry("key_only", 0);
        assertThat((String) row.get("after_image")).contains("\"v\":\"z\"");
    }
}
