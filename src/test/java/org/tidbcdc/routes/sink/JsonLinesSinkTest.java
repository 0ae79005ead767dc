package org.tidbcdc.routes.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidbcdc.routes.canal.ChangeEvent;
import org.tidbcdc.routes.canal.CanalJson;
import org.tidbcdc.routes.canal.Op;
import org.tidbcdc.routes.canal.Source;

class JsonLinesSinkTest {

    @TempDir
    Path dir;

    static ChangeEvent event(String db, String table, long offset, long commitMillis, String payload) {
        var after = CanalJson.MAPPER.createObjectNode().put("id", offset).put("v", payload);
        return ChangeEvent.builder().op(table.isEmpty() ? Op.DDL : Op.INSERT).ddlType(table.isEmpty() ? "QUERY" : null)
                .database(db).table(table).pk(CanalJson.MAPPER.createObjectNode().put("id", offset)).after(after)
                .commitTs("455000614534643715").commitMillis(commitMillis).eventKey("k" + offset)
                .source(new Source("t", 0, offset)).build();
    }

    @Test
    void linesGoToDatabaseTableAndUtcCommitDate() throws Exception {
        try (JsonLinesSink sink = new JsonLinesSink(dir)) {
            // 2024-12-31T23:59:59.999Z and one millisecond later
            sink.write(List.of(event("app_db", "users", 1, 1735689599999L, "a"),
                    event("app_db", "users", 2, 1735689600000L, "b"),
                    event("app_db", "", 3, 1735689600000L, "c")));
        }
        assertThat(Files.readAllLines(dir.resolve("app_db/users/2024-12-31.jsonl"))).hasSize(1);
        assertThat(Files.readAllLines(dir.resolve("app_db/users/2025-01-01.jsonl"))).hasSize(1);
        assertThat(Files.readAllLines(dir.resolve("app_db/_database/2025-01-01.jsonl"))).hasSize(1);
    }

    @Test
    void everyLineIsOneCompleteJsonRecordInBatchOrder() throws Exception {
        List<ChangeEvent> batch = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            batch.add(event("d", "t" + (i % 3), i, 1735689600000L, "x".repeat(i % 700)));
        }
        try (JsonLinesSink sink = new JsonLinesSink(dir)) {
            sink.write(batch);
        }
        long previous = -1;
        for (String line : Files.readAllLines(dir.resolve("d/t1/2025-01-01.jsonl"))) {
            long offset = CanalJson.MAPPER.readTree(line).get("source").get("offset").asLong();
            assertThat(offset).isGreaterThan(previous);
            previous = offset;
        }
    }

    @Test
    void aLineLargerThanTheBufferIsWrittenWhole() throws Exception {
        String big = "y".repeat(1_000_000);
        try (JsonLinesSink sink = new JsonLinesSink(dir)) {
            sink.write(List.of(event("d", "t", 1, 0, "a"), event("d", "t", 2, 0, big), event("d", "t", 3, 0, "c")));
        }
        List<String> lines = Files.readAllLines(dir.resolve("d/t/1970-01-01.jsonl"));
        assertThat(lines).hasSize(3);
        assertThat(CanalJson.MAPPER.readTree(lines.get(1)).get("after").get("v").asText()).isEqualTo(big);
    }

    @Test
    void aBatchThatFailsHalfWayIsCutBackSoARetryLeavesNoTornLine() throws Exception {
        try (JsonLinesSink sink = new JsonLinesSink(dir)) {
            sink.write(List.of(event("d", "ok", 1, 0, "first")));
            Path ok = dir.resolve("d/ok/1970-01-01.jsonl");
            long before = Files.size(ok);
            // a plain file where the table folder should be: unwritable even for root
            Files.writeString(dir.resolve("d/blocked"), "not a folder");
            List<ChangeEvent> batch = List.of(event("d", "ok", 2, 0, "second"), event("d", "blocked", 3, 0, "x"));
            assertThatThrownBy(() -> sink.write(batch)).isInstanceOf(java.io.IOException.class);
            assertThat(Files.size(ok)).isEqualTo(before);

            Files.delete(dir.resolve("d/blocked"));
            sink.write(batch);
            assertThat(Files.readAllLines(ok)).hasSize(2);
        }
    }

    @Test
    void aTornLastLineIsCutOffAtStartup() throws Exception {
        Path f = Files.createDirectories(dir.resolve("d/t")).resolve("2025-01-01.jsonl");
        Files.writeString(f, "{\"a\":1}\n{\"a\":2}\n{\"a\":", StandardCharsets.UTF_8);
        Path clean = dir.resolve("d/t/2025-01-02.jsonl");
        Files.writeString(clean, "{\"a\":1}\n", StandardCharsets.UTF_8);
        Path onlyTorn = dir.resolve("d/t/2025-01-03.jsonl");
        Files.writeString(onlyTorn, "{\"a\"", StandardCharsets.UTF_8);

        new JsonLinesSink(dir).repairTornTails();

        assertThat(Files.readString(f)).isEqualTo("{\"a\":1}\n{\"a\":2}\n");
        assertThat(Files.readString(clean)).isEqualTo("{\"a\":1}\n");
        assertThat(Files.readString(onlyTorn)).isEmpty();
    }

    @Test
    void hostileNamesResolveInsideTheSinkFolder() {
        JsonLinesSink sink = new JsonLinesSink(dir);
        Path p = sink.fileFor(event("../../..", "../../../../tmp/evil", 1, 0, "x"));
        assertThat(p.normalize().startsWith(dir)).isTrue();
        assertThat(p.getParent().getParent().getParent()).isEqualTo(dir);
    }
}
