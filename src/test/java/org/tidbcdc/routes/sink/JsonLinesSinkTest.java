package org.tidbcdc.routes.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
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

        new JsonLinesSink(dir).recoverAtStart(BATCH);

        assertThat(Files.readString(f)).isEqualTo("{\"a\":1}\n{\"a\":2}\n");
        assertThat(Files.readString(clean)).isEqualTo("{\"a\":1}\n");
        assertThat(Files.readString(onlyTorn)).isEmpty();
    }

    static final int BATCH = 500;

    static ChangeEvent change(String table, int partition, long offset) {
        var after = CanalJson.MAPPER.createObjectNode().put("id", offset);
        return ChangeEvent.builder().op(Op.INSERT).database("d").table(table).pk(after).after(after)
                .commitTs("455000614534643715").commitMillis(0).eventKey("k" + partition + "-" + offset)
                .source(new Source("t", partition, offset)).build();
    }

    static List<ChangeEvent> changes(String table, int partition, long from, long to) {
        List<ChangeEvent> batch = new ArrayList<>();
        for (long o = from; o < to; o++) {
            batch.add(change(table, partition, o));
        }
        return batch;
    }

    static List<ChangeEvent> concat(List<ChangeEvent> a, List<ChangeEvent> b) {
        List<ChangeEvent> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    List<String> keysIn(String table) throws Exception {
        return keysIn(dir, table);
    }

    static List<String> keysIn(Path root, String table) throws Exception {
        List<String> keys = new ArrayList<>();
        for (String line : Files.readAllLines(root.resolve("d/" + table + "/1970-01-01.jsonl"))) {
            keys.add(CanalJson.MAPPER.readTree(line).get("eventKey").asText());
        }
        return keys;
    }

    /** A new process's sink over the same folder, as after a crash: it recovers, then writes one batch. */
    void restartAndWrite(List<ChangeEvent> batch) throws Exception {
        try (JsonLinesSink restarted = new JsonLinesSink(dir)) {
            restarted.recoverAtStart(BATCH);
            restarted.write(batch);
        }
    }

    static List<String> keysOf(List<ChangeEvent> events) {
        return events.stream().map(ChangeEvent::eventKey).toList();
    }

    @Test
    void aBatchAppendedBeforeACrashIsNotAppendedAgainWhenKafkaHandsItOutAfterTheRestart() throws Exception {
        List<ChangeEvent> committed = concat(changes("a", 0, 0, 10), changes("b", 1, 0, 10));
        List<ChangeEvent> uncommitted = concat(changes("a", 0, 10, 15), changes("b", 1, 10, 12));
        JsonLinesSink crashed = new JsonLinesSink(dir);
        crashed.write(committed);
        crashed.write(uncommitted);
        // the process dies here, before the commit: the next one starts from the committed offsets

        restartAndWrite(concat(uncommitted, concat(changes("a", 0, 15, 17), changes("b", 1, 12, 13))));

        assertThat(keysIn("a")).containsExactlyElementsOf(keysOf(changes("a", 0, 0, 17)));
        assertThat(keysIn("b")).containsExactlyElementsOf(keysOf(changes("b", 1, 0, 13)));
    }

    @Test
    void aSinkFolderBehindASymbolicLinkIsRepairedAndRememberedAtStartup() throws Exception {
        // SINK_DIR=/app/data/sink -> /mnt/disk/sink: the startup scan must go through the link
        Path disk = Files.createDirectories(dir.resolve("disk"));
        Path linked = Files.createSymbolicLink(dir.resolve("sink"), disk);
        List<ChangeEvent> uncommitted = changes("a", 0, 10, 15);
        JsonLinesSink crashed = new JsonLinesSink(linked);
        crashed.write(changes("a", 0, 0, 10));
        crashed.write(uncommitted);
        // the process dies in the middle of the next append, before the commit
        Files.writeString(disk.resolve("d/a/1970-01-01.jsonl"), "{\"v\":1,\"op\":\"INS", StandardOpenOption.APPEND);

        try (JsonLinesSink restarted = new JsonLinesSink(linked)) {
            restarted.recoverAtStart(BATCH);
            restarted.write(concat(uncommitted, changes("a", 0, 15, 17)));
        }

        assertThat(keysIn(disk, "a")).containsExactlyElementsOf(keysOf(changes("a", 0, 0, 17)));
    }

    @Test
    void linesLongerThanTheBackwardSearchReadsAreFoundWhole() throws Exception {
        List<ChangeEvent> lines = new ArrayList<>();
        for (int o = 0; o < 7; o++) {
            lines.add(event("d", "long", o, 0, String.valueOf(o).repeat(20_000)));
        }
        JsonLinesSink crashed = new JsonLinesSink(dir);
        crashed.write(lines.subList(0, 6));
        // offsets 3 to 5 were never committed

        restartAndWrite(lines.subList(3, 7));

        assertThat(keysIn("long")).containsExactly("k0", "k1", "k2", "k3", "k4", "k5", "k6");
    }

    @Test
    void aChangeWhoseLineWasTornIsAppendedAgainAndTheWholeLinesBeforeItAreNot() throws Exception {
        try (JsonLinesSink before = new JsonLinesSink(dir)) {
            before.write(changes("a", 0, 0, 10));
        }
        Path file = dir.resolve("d/a/1970-01-01.jsonl");
        String torn = new String(change("a", 0, 10).jsonBytes(), StandardCharsets.UTF_8).substring(0, 30);
        Files.writeString(file, torn, StandardOpenOption.APPEND);

        restartAndWrite(changes("a", 0, 7, 12));

        assertThat(keysIn("a")).containsExactlyElementsOf(keysOf(changes("a", 0, 0, 12)));
    }

    @Test
    void onlyTheLastTwoBatchesOfEachPartitionAreRemembered() throws Exception {
        int past = 2 * BATCH + 100;
        try (JsonLinesSink before = new JsonLinesSink(dir)) {
            before.write(changes("a", 0, 0, past));
        }
        JsonLinesSink restarted = new JsonLinesSink(dir);
        restarted.recoverAtStart(BATCH);
        // offsets reset by hand to the start: what lies beyond the window is appended again, never lost
        restarted.write(concat(changes("a", 0, 0, 3), changes("a", 0, past - 3, past)));

        List<String> keys = keysIn("a");
        assertThat(keys).hasSize(past + 3);
        assertThat(keys.subList(past, past + 3)).containsExactlyElementsOf(keysOf(changes("a", 0, 0, 3)));
    }

    @Test
    void whatTheFileHeldIsForgottenOnceItsPartitionHasBeenWrittenPastIt() throws Exception {
        try (JsonLinesSink before = new JsonLinesSink(dir)) {
            before.write(changes("a", 0, 0, 5));
        }
        try (JsonLinesSink restarted = new JsonLinesSink(dir)) {
            restarted.recoverAtStart(BATCH);
            restarted.write(changes("a", 0, 5, 6));
            // the same change at a later offset, as a TiCDC replay brings it: the file repeats it, like before
            ChangeEvent replayed = ChangeEvent.builder().op(Op.INSERT).database("d").table("a")
                    .pk(CanalJson.MAPPER.createObjectNode().put("id", 4)).after(CanalJson.MAPPER.createObjectNode()
                            .put("id", 4)).commitTs("455000614534643715").commitMillis(0).eventKey("k0-4")
                    .source(new Source("t", 0, 6)).build();
            restarted.write(List.of(replayed));
        }

        assertThat(keysIn("a")).containsExactly("k0-0", "k0-1", "k0-2", "k0-3", "k0-4", "k0-5", "k0-4");
    }

    @Test
    void aBatchThatFailsAfterTheRestartStillLeavesOutWhatTheFileHeld() throws Exception {
        try (JsonLinesSink before = new JsonLinesSink(dir)) {
            before.write(changes("a", 0, 0, 5));
        }
        try (JsonLinesSink restarted = new JsonLinesSink(dir)) {
            restarted.recoverAtStart(BATCH);
            Files.writeString(dir.resolve("d/blocked"), "not a folder");
            List<ChangeEvent> batch = concat(changes("a", 0, 3, 6), changes("blocked", 0, 6, 7));
            assertThatThrownBy(() -> restarted.write(batch)).isInstanceOf(java.io.IOException.class);
            Files.delete(dir.resolve("d/blocked"));
            restarted.write(batch);
        }

        assertThat(keysIn("a")).containsExactlyElementsOf(keysOf(changes("a", 0, 0, 6)));
    }

    @Test
    void linesLeftUncommittedBeforeAnEarlierRestartAreStillLeftOutAfterTheNext() throws Exception {
        JsonLinesSink first = new JsonLinesSink(dir);
        first.write(concat(changes("a", 0, 0, 5), changes("a", 1, 0, 5)));
        first.write(changes("a", 1, 5, 10)); // never committed: partition 1 starts again from offset 5
        // the next process goes far on partition 0 only, and dies before partition 1 comes round
        JsonLinesSink second = new JsonLinesSink(dir);
        second.recoverAtStart(BATCH);
        for (long from = 5; from < 5 + 4 * BATCH; from += BATCH) {
            second.write(changes("a", 0, from, from + BATCH));
        }

        restartAndWrite(changes("a", 1, 5, 12));

        List<String> keys = keysIn("a");
        assertThat(keys).doesNotHaveDuplicates();
        assertThat(keys).containsAll(keysOf(changes("a", 1, 0, 12)));
    }

    @Test
    void aKeptPositionWhoseLineIsGoneIsIgnored() throws Exception {
        JsonLinesSink first = new JsonLinesSink(dir);
        first.write(changes("a", 0, 0, 5));
        JsonLinesSink second = new JsonLinesSink(dir);
        second.recoverAtStart(BATCH);
        assertThat(dir.resolve(TailAtStart.KEPT)).exists();
        // an operator empties the file and the offsets are reset: every change must be appended again
        Files.write(dir.resolve("d/a/1970-01-01.jsonl"), new byte[0]);

        restartAndWrite(changes("a", 0, 0, 5));

        assertThat(keysIn("a")).containsExactlyElementsOf(keysOf(changes("a", 0, 0, 5)));
    }

    @Test
    void filesWrittenLongBeforeTheNewestAreNotRead() throws Exception {
        try (JsonLinesSink before = new JsonLinesSink(dir)) {
            before.write(changes("old", 0, 0, 3));
            before.write(changes("new", 1, 0, 3));
        }
        Path old = dir.resolve("d/old/1970-01-01.jsonl");
        Path recent = dir.resolve("d/new/1970-01-01.jsonl");
        Files.setLastModifiedTime(old, FileTime.fromMillis(Files.getLastModifiedTime(recent).toMillis()
                - TailAtStart.RECENT.toMillis() - 1000));

        restartAndWrite(concat(changes("old", 0, 2, 3), changes("new", 1, 2, 3)));

        assertThat(keysIn("old")).containsExactly("k0-0", "k0-1", "k0-2", "k0-2");
        assertThat(keysIn("new")).containsExactly("k1-0", "k1-1", "k1-2");
    }

    @Test
    void hostileNamesResolveInsideTheSinkFolder() {
        JsonLinesSink sink = new JsonLinesSink(dir);
        Path p = sink.fileFor(event("../../..", "../../../../tmp/evil", 1, 0, "x"));
        assertThat(p.normalize().startsWith(dir)).isTrue();
        assertThat(p.getParent().getParent().getParent()).isEqualTo(dir);
    }
}
