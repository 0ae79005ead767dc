package org.tidbcdc.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.tidbcdc.routes.deadletter.DeadLetters;
import org.tidbcdc.routes.consume.DeliveryState;
import org.tidbcdc.routes.testsupport.CanalRecords;
import org.tidbcdc.routes.testsupport.Fixtures;
import org.tidbcdc.routes.testsupport.KafkaBroker;
import org.tidbcdc.routes.testsupport.LogCapture;
import org.tidbcdc.routes.testsupport.MariaDbServer;
import org.tidbcdc.routes.testsupport.PipelineParts;
import org.tidbcdc.routes.testsupport.RoutesApp;

/** The change stream on real parts: a KRaft broker, MariaDB, the file system and the real routes. */
class CdcConsumeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    // event keys are global (a replay on any topic is the same change): each test starts from an empty table
    @RegisterExtension
    static final PipelineParts PARTS = new PipelineParts("", "truncate table cdc_audit.change_event;");

    @TempDir
    Path sinkDir;
    KafkaBroker kafka;
    MariaDbServer db;
    String topic;
    String dlq;

    @BeforeEach
    void freshTopic() {
        kafka = PARTS.kafka();
        db = PARTS.db();
        topic = PARTS.newTopic("cdc");
        dlq = topic + "-dlq";
    }

    RoutesApp app(Map<String, String> extra) {
        Map<String, String> s = PARTS.settings(topic, sinkDir);
        s.putAll(extra);
        return RoutesApp.start(s);
    }

    long auditRows() {
        return db.queryLong("select count(*) from cdc_audit.change_event");
    }

    long distinctAuditKeys() {
        return db.queryLong("select count(distinct event_key) from cdc_audit.change_event");
    }

    List<JsonNode> sinkLines() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sinkDir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    out.add(JSON.readTree(line));
                }
            }
        }
        return out;
    }

    void sendFixtures() {
        for (String f : Fixtures.ALL) {
            // DDL goes to partition 0 only, as TiCDC sends it; rows spread over the partitions
            int partition = f.contains("ddl") ? 0 : Math.abs(f.hashCode()) % 3;
            kafka.send(topic, partition, Fixtures.compact(f));
        }
    }

    /** Rows in the fixtures; 02, 09 and 10 are one change (same commitTs and key) sent three ways. */
    static final int FIXTURE_CHANGES = 14;
    static final int FIXTURE_DISTINCT_CHANGES = 12;

    @Test
    void everyFixtureKindLandsInTheFileSinkAndTheAuditTable() throws Exception {
        try (RoutesApp app = app(Map.of())) {
            sendFixtures();
            await().atMost(WAIT).until(() -> auditRows() == FIXTURE_DISTINCT_CHANGES);
            await().atMost(WAIT).until(() -> sinkLines().size() == FIXTURE_CHANGES);
        }
        assertThat(Files.readAllLines(sinkDir.resolve("test/_database/2021-12-16.jsonl"))).hasSize(1);
        assertThat(Files.exists(sinkDir.resolve("test/employee/2022-11-10.jsonl"))).isTrue();

        Map<String, JsonNode> byKey = new HashMap<>();
        for (JsonNode line : sinkLines()) {
            assertThat(line.get("v").asInt()).isEqualTo(1);
            assertThat(line.get("source").get("topic").asText()).isEqualTo(topic);
            byKey.put(line.get("eventKey").asText(), line);
        }
        assertThat(byKey).hasSize(FIXTURE_DISTINCT_CHANGES);

        List<List<String>> ddl = db.query("select op, ddl_type, source_db, source_table, commit_ts, ddl_sql "
                + "from cdc_audit.change_event where kafka_topic = '" + topic + "' and ddl_type = 'QUERY'");
        assertThat(ddl).containsExactly(List.of("DDL", "QUERY", "test", "", "429918007904436226",
                "drop database if exists test"));

        List<List<String>> update = db.query("select after_image, before_image, commit_time from cdc_audit.change_event"
                + " where kafka_topic = '" + topic + "' and op = 'UPDATE' and source_table = 'tp_int'");
        assertThat(update).hasSize(1);
        assertThat(JSON.readTree(update.get(0).get(0)).get("c_int").asLong()).isZero();
        assertThat(JSON.readTree(update.get(0).get(1)).get("c_int").asLong()).isEqualTo(2147483647L);
        assertThat(update.get(0).get(2)).startsWith("2025-01-01 00:00:00.123");

        // the file sink and the audit table carry the same JSON images
        String key = db.query("select event_key, after_image from cdc_audit.change_event where kafka_topic = '" + topic
                + "' and source_table = 't'").get(0).get(0);
        String auditAfter = db.query("select after_image from cdc_audit.change_event where event_key = '" + key + "'")
                .get(0).get(0);
        assertThat(byKey.get(key).get("after")).isEqualTo(JSON.readTree(auditAfter));
    }

    @Test
    void malformedRecordsGoToTheDeadLetterTopicWithTheirOriginAndLaterRecordsStillFlow() throws Exception {
        try (RoutesApp app = app(Map.of())) {
            long bad1 = kafka.send(topic, 1, "k1".getBytes(StandardCharsets.UTF_8),
                    "{\"id\":0,\"database\":\"x\"".getBytes(StandardCharsets.UTF_8),
                    new RecordHeader("trace", "abc".getBytes(StandardCharsets.UTF_8)));
            long bad2 = kafka.send(topic, 1, null, null);
            kafka.send(topic, 1, Fixtures.compact("02-docs-insert-tp_int-with-tidb-extension.json"));

            await().atMost(WAIT).until(() -> auditRows() == 1);
            List<ConsumerRecord<byte[], byte[]>> dead = kafka.read(dlq, 2, WAIT);
            assertThat(dead).hasSize(2);
            ConsumerRecord<byte[], byte[]> first = dead.stream()
                    .filter(r -> String.valueOf(bad1).equals(header(r, "cdc.source.offset"))).findFirst().orElseThrow();
            ConsumerRecord<byte[], byte[]> second = dead.stream()
                    .filter(r -> String.valueOf(bad2).equals(header(r, "cdc.source.offset"))).findFirst().orElseThrow();
            assertThat(new String(first.key(), StandardCharsets.UTF_8)).isEqualTo("k1");
            assertThat(new String(first.value(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":0,\"database\":\"x\"");
            assertThat(header(first, "trace")).isEqualTo("abc");
            assertThat(header(first, "cdc.source.topic")).isEqualTo(topic);
            assertThat(header(first, "cdc.source.partition")).isEqualTo("1");
            assertThat(header(first, "cdc.source.offset")).isEqualTo(String.valueOf(bad1));
            assertThat(header(first, "cdc.error.class")).isEqualTo("org.tidbcdc.routes.canal.CanalFormatException");
            assertThat(header(first, "cdc.error.message")).isNotBlank();
            assertThat(second.value()).isNull();
            assertThat(header(second, "cdc.error.message")).contains("null");
            // the dead-lettered records are committed too
            await().atMost(WAIT).until(() -> kafka.committedOffset("g-" + topic, topic, 1) == bad2 + 2);
        }
    }

    @Test
    void theDeadLetterTopicIsCreatedAtStartupByItsRoute() {
        try (RoutesApp app = app(Map.of())) {
            assertThat(app.context().getRoute("cdc-dead-letter-topic")).isNotNull();
            await().atMost(WAIT).until(() -> kafka.topicExists(dlq));
        }
    }

    @Test
    void theRoutesABatchSendsToStartBeforeTheConsumerSoTheyStopAfterIt() {
        try (RoutesApp app = app(Map.of())) {
            // Camel's graceful shutdown stops routes in the reverse of this order: the batch in flight at SIGTERM
            // must still find its direct routes, or it blocks until the shutdown timeout and is not committed
            List<String> started = app.context().getCamelContextExtension().getRouteStartupOrder().stream()
                    .map(o -> o.getRoute().getId()).toList();
            for (String sink : List.of("cdc-sink-audit", "cdc-sink-file", "cdc-sink-log")) {
                assertThat(started.indexOf(sink)).isBetween(0, started.indexOf("cdc-consume") - 1);
            }
            assertThat(started.indexOf("cdc-dead-letter")).isBetween(0, started.indexOf("cdc-consume") - 1);
        }
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        var h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void replayingRecordsThatCarryCommitTsAddsNoAuditRows() throws Exception {
        List<String> withCommitTs = Fixtures.ALL.stream()
                .filter(f -> Fixtures.tree(f).path("_tidb").has("commitTs")).toList();
        try (RoutesApp app = app(Map.of())) {
            withCommitTs.forEach(f -> kafka.send(topic, 0, Fixtures.compact(f)));
            long distinct = withCommitTs.size() - 2;
            await().atMost(WAIT).until(() -> auditRows() == distinct);
            // TiCDC re-sends after a changefeed restart: the same changes at higher offsets, on other partitions
            withCommitTs.forEach(f -> kafka.send(topic, 2, Fixtures.compact(f)));
            withCommitTs.forEach(f -> kafka.send(topic, 0, Fixtures.compact(f)));
            await().atMost(WAIT).until(() -> kafka.committedOffset("g-" + topic, topic, 0) == 2L * withCommitTs.size()
                    && kafka.committedOffset("g-" + topic, topic, 2) == withCommitTs.size());
        }
        assertThat(auditRows()).isEqualTo(withCommitTs.size() - 2);
    }

    @Test
    void stoppingMidStreamAndStartingAgainLosesNothingAndDuplicatesNoAuditRow() {
        int total = 3000;
        RoutesApp first = app(Map.of("cdc.max-poll-records", "100"));
        sendRows(0, total);
        await().atMost(WAIT).until(() -> auditRows() > 0);
        first.close();
        long afterStop = auditRows();
        try (RoutesApp second = app(Map.of("cdc.max-poll-records", "100"))) {
            await().atMost(WAIT).until(() -> auditRows() == total);
        }
        assertThat(afterStop).isLessThanOrEqualTo(total);
        assertThat(distinctAuditKeys()).isEqualTo(total);
    }

    @Test
    void aDatabaseOutageMidStreamDelaysChangesButLosesNone() {
        int total = 600;
        try (RoutesApp app = app(Map.of("cdc.max-poll-records", "50"))) {
            sendRows(0, total / 2);
            await().atMost(WAIT).until(() -> auditRows() == total / 2);
            db.stop();
            try {
                sendRows(total / 2, total);
                await().atMost(WAIT).until(() -> app.context().getRegistry()
                        .lookupByNameAndType("deliveryState", org.tidbcdc.routes.consume.DeliveryState.class)
                        .stalledBecause() != null);
            } finally {
                db.startAgain();
            }
            await().atMost(WAIT).until(() -> auditRows() == total);
        }
        assertThat(distinctAuditKeys()).isEqualTo(total);
    }

    @Test
    void aHostileTableNameStaysInsideTheSinkFolder() throws Exception {
        ObjectNode msg = (ObjectNode) Fixtures.tree("02-docs-insert-tp_int-with-tidb-extension.json");
        msg.put("database", "../../..");
        msg.put("table", "../../../../tmp/evil");
        try (RoutesApp app = app(Map.of())) {
            kafka.send(topic, 0, JSON.writeValueAsString(msg));
            await().atMost(WAIT).until(() -> auditRows() == 1);
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sinkDir)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).hasSize(1);
        assertThat(files.get(0).normalize().startsWith(sinkDir)).isTrue();
        assertThat(sinkLines().get(0).get("table").asText()).isEqualTo("../../../../tmp/evil");
        assertThat(Files.exists(Path.of("/tmp/evil"))).isFalse();
    }

    @Test
    void withLz4CompressionEveryRecordIsDecompressedAndAnUncompressedOneIsDeadLettered() throws Exception {
        try (RoutesApp app = app(Map.of("cdc.changefeed.large-message-compression", "lz4"))) {
            for (String f : Fixtures.ALL) {
                int partition = f.contains("ddl") ? 0 : Math.abs(f.hashCode()) % 3;
                kafka.send(topic, partition, null,
                        CanalRecords.lz4(Fixtures.compact(f).getBytes(StandardCharsets.UTF_8)));
            }
            long plain = kafka.send(topic, 1, Fixtures.compact("02-docs-insert-tp_int-with-tidb-extension.json"));
            await().atMost(WAIT).until(() -> auditRows() == FIXTURE_DISTINCT_CHANGES);
            await().atMost(WAIT).until(() -> sinkLines().size() == FIXTURE_CHANGES);
            ConsumerRecord<byte[], byte[]> letter = kafka.read(dlq, 1, WAIT).get(0);
            assertThat(header(letter, "cdc.source.offset")).isEqualTo(String.valueOf(plain));
            assertThat(header(letter, "cdc.error.message")).startsWith("record value is not LZ4-compressed, as"
                    + " CHANGEFEED_LARGE_MESSAGE_COMPRESSION=lz4 says");
        }
    }

    @Test
    void aBadRecordWhoseBatchIsRewoundIsDeadLetteredOnce() {
        // in the topic before the consumer starts, so the first poll takes the bad record and the rows after it
        long bad = kafka.send(topic, 1, "{not json");
        sendRows(0, 30);
        db.stop();
        try (LogCapture log = LogCapture.of(DeadLetters.class.getName()); RoutesApp app = app(Map.of())) {
            try {
                // dead-lettered, then the audit insert fails, the batch is rewound and comes back with the bad record
                await().atMost(WAIT).until(() -> log.count("Not dead-lettered again: " + topic + "-1@" + bad) > 0);
            } finally {
                db.startAgain();
            }
            await().atMost(WAIT).until(() -> auditRows() == 30);
        }
        assertThat(kafka.endOffsets(dlq)).containsExactly(Map.entry(0, 1L));
    }

    @Test
    void aDeadLetterAnEarlierProcessSentBeforeItsCommitIsNotSentAgain() throws Exception {
        long bad = kafka.send(topic, 2, "{not json");
        ConsumerRecord<byte[], byte[]> original = kafka.read(topic, 1, WAIT).get(0);
        // what the earlier process sent, acknowledged, before it was killed ahead of its commit
        kafka.createTopic(dlq, 1);
        ProducerRecord<byte[], byte[]> letter = new ProducerRecord<>(dlq, 0, original.timestamp(), null,
                original.value());
        letter.headers().add(DeadLetters.SOURCE_TOPIC, topic.getBytes(StandardCharsets.UTF_8))
                .add(DeadLetters.SOURCE_PARTITION, "2".getBytes(StandardCharsets.UTF_8))
                .add(DeadLetters.SOURCE_OFFSET, String.valueOf(bad).getBytes(StandardCharsets.UTF_8));
        kafka.sendAll(List.of(letter));
        try (RoutesApp app = app(Map.of())) {
            kafka.send(topic, 2, Fixtures.compact("02-docs-insert-tp_int-with-tidb-extension.json"));
            await().atMost(WAIT).until(() -> kafka.committedOffset("g-" + topic, topic, 2) == bad + 2);
        }
        assertThat(auditRows()).isEqualTo(1);
        assertThat(kafka.endOffsets(dlq)).containsExactly(Map.entry(0, 1L));
    }

    /** Fixture 10, TiCDC's claim-check record of fixture 02's row, pointing at object {@code name} in S3. */
    static String claimCheckRecord(String name) {
        ObjectNode record = Fixtures.tree("10-docs-claim-check-location-insert.json");
        ((ObjectNode) record.get("_tidb")).put("claimCheckLocation", "s3://claims/tidb-to-kafka/" + name);
        return record.toString();
    }

    /** Stores fixture 02 as the claim-check object {@code name}, the way TiCDC writes it. */
    static void storeClaimCheckObject(Path dir, String name) throws IOException {
        byte[] value = Fixtures.compact("02-docs-insert-tp_int-with-tidb-extension.json").getBytes(StandardCharsets.UTF_8);
        Files.writeString(dir.resolve(name),
                "{\"key\":null,\"value\":\"" + java.util.Base64.getEncoder().encodeToString(value) + "\"}");
    }

    @Test
    void aClaimCheckRecordReachesEverySinkWithTheStoredRowAndAMissingObjectIsDeadLettered(@TempDir Path claims)
            throws Exception {
        String stored = "0b6c1c2e-7d4f-4a4e-9a57-1f0e6d3c2b1a.json";
        String missing = "9f1e2d3c-4b5a-4697-8877-665544332211.json";
        storeClaimCheckObject(claims, stored);
        try (RoutesApp app = app(Map.of("cdc.claim-check.dir", claims.toString()))) {
            long dead = kafka.send(topic, 1, claimCheckRecord(missing));
            kafka.send(topic, 1, claimCheckRecord(stored));
            await().atMost(WAIT).until(() -> auditRows() == 1);
            ConsumerRecord<byte[], byte[]> letter = kafka.read(dlq, 1, WAIT).get(0);
            assertThat(header(letter, "cdc.source.offset")).isEqualTo(String.valueOf(dead));
            assertThat(header(letter, "cdc.error.message")).isEqualTo("claim-check object " + missing
                    + " of `s3://claims/tidb-to-kafka/" + missing + "` is not in CLAIM_CHECK_DIR " + claims);
            await().atMost(WAIT).until(() -> kafka.committedOffset("g-" + topic, topic, 1) == dead + 2);
        }
        List<List<String>> row = db.query("select key_only, claim_check_location, after_image"
                + " from cdc_audit.change_event where kafka_topic = '" + topic + "'");
        assertThat(row.get(0).subList(0, 2)).containsExactly("0", "s3://claims/tidb-to-kafka/" + stored);
        JsonNode after = JSON.readTree(row.get(0).get(2));
        assertThat(after.get("c_bigint").asLong()).isEqualTo(Long.MAX_VALUE);
        assertThat(after.size()).isEqualTo(6);
        JsonNode line = sinkLines().get(0);
        assertThat(line.get("after")).isEqualTo(after);
        assertThat(line.get("keyOnly").asBoolean()).isFalse();
    }

    @Test
    void aClaimCheckDirectoryThatGoesAwayHoldsTheChangeBackUntilItReturns(@TempDir Path mount) throws Exception {
        Path claims = Files.createDirectory(mount.resolve("claims"));
        String stored = "0b6c1c2e-7d4f-4a4e-9a57-1f0e6d3c2b1a.json";
        storeClaimCheckObject(claims, stored);
        try (RoutesApp app = app(Map.of("cdc.claim-check.dir", claims.toString()))) {
            Path away = Files.move(claims, mount.resolve("unmounted"));
            kafka.send(topic, 2, claimCheckRecord(stored));
            DeliveryState delivery = app.context().getRegistry().lookupByNameAndType("deliveryState",
                    DeliveryState.class);
            await().atMost(WAIT).until(() -> delivery.stalledBecause() != null);
            assertThat(delivery.stalledBecause()).contains("CLAIM_CHECK_DIR " + claims + " is not there");
            assertThat(kafka.committedOffset("g-" + topic, topic, 2)).isLessThanOrEqualTo(0L);
            Files.move(away, claims);
            await().atMost(WAIT).until(() -> auditRows() == 1);
            await().atMost(WAIT).until(() -> delivery.stalledBecause() == null);
        }
        assertThat(db.queryLong("select key_only from cdc_audit.change_event")).isZero();
    }

    /** Inserts of app_db.load rows id in [from, to), one record each, with a commitTs, spread over 3 partitions. */
    void sendRows(int from, int to) {
        List<org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int id = from; id < to; id++) {
            String v = "{\"id\":0,\"database\":\"app_db\",\"table\":\"load\",\"pkNames\":[\"id\"],\"isDdl\":false,"
                    + "\"type\":\"INSERT\",\"es\":1735689600000,\"ts\":1735689600001,\"sql\":\"\","
                    + "\"sqlType\":{\"id\":4,\"v\":12},\"mysqlType\":{\"id\":\"int\",\"v\":\"varchar\"},\"old\":null,"
                    + "\"data\":[{\"id\":\"" + id + "\",\"v\":\"row " + id + "\"}],"
                    + "\"_tidb\":{\"commitTs\":" + (455000614534643715L + id) + "}}";
            records.add(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, id % 3, null,
                    v.getBytes(StandardCharsets.UTF_8)));
        }
        kafka.sendAll(records);
    }
}
