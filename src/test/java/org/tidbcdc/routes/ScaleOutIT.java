package org.tidbcdc.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tidbcdc.routes.testsupport.CanalRecords;
import org.tidbcdc.routes.testsupport.FileSinkScan;
import org.tidbcdc.routes.testsupport.KafkaProcess;
import org.tidbcdc.routes.testsupport.MariaDbServer;
import org.tidbcdc.routes.testsupport.RoutesProcess;

/**
 * Several instances of the real {@code routes.jar} in one consumer group, on a KRaft broker in its own process and a
 * real MariaDB (docs/scaling.md): fencing of two processes with one CDC_INSTANCE_ID, and three instances through a
 * {@code kill -9} and restart, a SIGTERM and a scale-in, with the handover after the SIGTERM measured.
 *
 * <p>{@code -Dreliability.scale=short} (verify) sends 12,000 changes; {@code full} ({@code -Preliability}) 60,000.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScaleOutIT {

    static final boolean FULL = "full".equals(System.getProperty("reliability.scale", "short"));
    static final int CHANGES = FULL ? 60_000 : 12_000;
    /** Changes a second while the faults happen: a pace that keeps every partition moving, not a wait. */
    static final int PACE = FULL ? 1_000 : 250;
    static final Duration HANDOVER_BOUND = Duration.ofSeconds(10);
    static final Path WORK = Path.of("target", "scale-out");
    static final List<String> IMAGE_JVM = ReliabilityIT.IMAGE_JVM;
    static final Pattern GENERATION = Pattern.compile("Successfully joined group with generation Generation\\{"
            + "generationId=(\\d+)");

    static KafkaProcess kafka;
    static MariaDbServer db;
    static Path logConfig;
    static final List<String> FIGURES = new ArrayList<>();

    @BeforeAll
    static void startParts() throws IOException {
        ReliabilityIT.deleteTree(WORK);
        Files.createDirectories(WORK);
        kafka = KafkaProcess.start(WORK.resolve("kafka"));
        db = MariaDbServer.start();
        db.applyDbScripts();
        // the image's log configuration, with the consumer's join lines, which carry the group's generation
        String xml = Files.readString(Path.of("src/main/resources/log4j2.xml"));
        logConfig = WORK.resolve("log4j2.xml").toAbsolutePath();
        Files.writeString(logConfig, xml.replace("<Logger name=\"org.apache.kafka\" level=\"WARN\"/>",
                "<Logger name=\"org.apache.kafka\" level=\"WARN\"/>\n    <Logger name=\"org.apache.kafka.clients."
                        + "consumer.internals.ConsumerCoordinator\" level=\"INFO\"/>"));
    }

    @AfterAll
    static void stopParts() throws IOException {
        String report = "## Several instances (" + (FULL ? "full" : "short") + ", " + java.time.Instant.now()
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ", " + Runtime.getRuntime()
                .availableProcessors() + " cores)\n\n" + FIGURES.stream().map(f -> "- " + f + "\n")
                .collect(Collectors.joining());
        System.out.println(report);
        Files.writeString(Path.of("target", "scale-out-report.md"), report, StandardCharsets.UTF_8);
        if (kafka != null) {
            kafka.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @Test
    @Order(1)
    @DisplayName("two processes with one CDC_INSTANCE_ID for 60 s: the first is fenced once and stays out, the second "
            + "consumes everything; the group's generation changes at most twice")
    void fencing() throws Exception {
        Group g = new Group("fence", Map.of());
        try (g) {
            RoutesProcess first = g.start("same", "first");
            long early = 600;
            g.send(0, early);
            g.waitFor("the first process consumes", () -> lines(g.sink("first")) >= early, first);
            int generationBefore = g.generations().stream().mapToInt(Integer::intValue).max().orElse(0);

            RoutesProcess second = g.start("same", "second");
            long t0 = System.nanoTime();
            CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> g.trickle(early, early + 60L * 50, 50));
            g.waitFor("the first process says it is fenced",
                    () -> !g.logLines(0, "ERROR .*fenced: another process joined group " + g.group
                            + " as CDC_INSTANCE_ID=" + g.instance("same")).isEmpty(), second);
            long fencedAfter = System.nanoTime() - t0;
            long firstAtFence = lines(g.sink("first"));
            assertThat(first.body("/observe/health/ready")).contains("fenced: another process joined group "
                    + g.group + " as CDC_INSTANCE_ID=" + g.instance("same"));
            assertThat(first.status("/observe/health/ready")).isEqualTo(503);

            // 60 s of both running (the trickle takes that long), then every change sent must be in
            trickle.get(90, TimeUnit.SECONDS);
            g.waitFor("every change in the audit table", () -> auditRows() >= early + 60L * 50, second);
            g.waitForCommittedToEnd(second);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofSeconds(60));

            assertThat(first.isAlive()).as("the fenced process runs on, without consuming").isTrue();
            assertThat(lines(g.sink("first"))).as("lines the first process wrote after it was fenced")
                    .isEqualTo(firstAtFence);
            assertThat(lines(g.sink("second"))).as("the second process consumes").isGreaterThan(0);
            assertThat(g.logLines(0, "fenced: another process")).as("ERROR lines of the fenced process").hasSize(1);
            assertThat(g.logLines(1, "fenced: another process")).as("the second process is not fenced").isEmpty();
            assertThat(second.status("/observe/health/ready")).isEqualTo(200);
            int generationAfter = g.generations().stream().mapToInt(Integer::intValue).max().orElse(0);
            assertThat(generationAfter - generationBefore).as("generation changes").isBetween(0, 2);
            g.assertEveryChangeOnceInAuditAndAtLeastOnceInFiles(early + 60L * 50);
            FIGURES.add("fencing: the first process logged the fenced line within " + seconds(fencedAfter)
                    + " of the second's start (JVM start included); generation changes: "
                    + (generationAfter - generationBefore));
        }
    }

    @Test
    @Order(2)
    @DisplayName("three instances, one group, three partitions: kill -9 and restart with the same id, SIGTERM, scale "
            + "in to one; every change once in the audit table, at least once in the files, offsets at the end, the "
            + "handover after SIGTERM within 10 s")
    void scaleOut() throws Exception {
        Group g = new Group("scale", Map.of());
        try (g) {
            Map<String, RoutesProcess> p = new LinkedHashMap<>();
            for (String name : List.of("a", "b", "c")) {
                p.put(name, g.start(name, name));
            }
            long upfront = CHANGES / 6;
            g.send(0, upfront);
            g.waitFor("each instance holds a partition", () -> g.assignment().size() == 3, p.get("a"));
            // the faults happen while changes keep arriving on every partition
            CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> g.trickle(upfront, CHANGES, PACE));
            g.waitFor("each instance wrote to its file sink", () -> lines(g.sink("a")) > 0 && lines(g.sink("b")) > 0
                    && lines(g.sink("c")) > 0, p.get("a"));

            // kill -9, and back with the same CDC_INSTANCE_ID and SINK_DIR: it takes its member back, no session wait
            Set<TopicPartition> ofA = g.assignment().get(g.instance("a"));
            long killAt = lines(g.sink("a"));
            g.waitFor("a writes while the changes arrive", () -> lines(g.sink("a")) > killAt, p.get("a"));
            p.get("a").kill();
            long killed = System.nanoTime();
            Map<TopicPartition, Long> atKill = g.committed(ofA);
            p.put("a", g.start("a", "a"));
            g.waitFor("a's partitions committed again after its restart",
                    () -> g.committedBeyond(atKill), p.get("a"));
            long failover = System.nanoTime() - killed;
            FIGURES.add("kill -9 and restart with the same CDC_INSTANCE_ID: its partitions committed again "
                    + seconds(failover) + " after the kill (JVM start included; CDC_SESSION_TIMEOUT_MS 45000)");

            // SIGTERM: the instance leaves the group once it has committed and closed, the others take its partitions
            Set<TopicPartition> ofB = g.assignment().get(g.instance("b"));
            long term = System.nanoTime();
            assertThat(p.get("b").terminate(Duration.ofSeconds(60))).as("b exits after SIGTERM").isTrue();
            long exited = System.nanoTime();
            Map<TopicPartition, Long> atExit = g.committed(ofB);
            await("b's partitions committed by another member").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100)).until(() -> g.committedBeyond(atExit));
            long handover = System.nanoTime() - term;
            FIGURES.add("SIGTERM: exit " + seconds(exited - term) + ", its partitions committed by another member "
                    + seconds(handover) + " after the SIGTERM (bound " + HANDOVER_BOUND.toSeconds() + " s)");
            assertThat(g.logLines(1, "Left group " + g.group + " as CDC_INSTANCE_ID=" + g.instance("b")))
                    .as("b left the group").hasSize(1);

            // scale in to one
            long scaleIn = System.nanoTime();
            assertThat(p.get("c").terminate(Duration.ofSeconds(60))).isTrue();
            g.waitFor("a holds every partition", () -> g.assignment().getOrDefault(g.instance("a"), Set.of())
                    .size() == 3, p.get("a"));
            FIGURES.add("scale-in to one: the last instance holds every partition " + seconds(System.nanoTime()
                    - scaleIn) + " after the SIGTERM");

            trickle.get(10, TimeUnit.MINUTES);
            g.waitFor("every change in the audit table", () -> auditRows() >= CHANGES, p.get("a"));
            g.waitForCommittedToEnd(p.get("a"));
            g.assertEveryChangeOnceInAuditAndAtLeastOnceInFiles(CHANGES);
            assertThat(Duration.ofNanos(handover)).as("handover after SIGTERM").isLessThanOrEqualTo(HANDOVER_BOUND);
        }
    }

    @Test
    @Order(3)
    @DisplayName("an instance beyond the partition count is a standby: ready with READINESS=running, as on Kubernetes, "
            + "and unready with the default")
    void standby() throws Exception {
        Group g = new Group("standby", Map.of("READINESS", "running"), 1);
        try (g) {
            RoutesProcess a = g.start("a", "a");
            g.send(0, 100);
            g.waitFor("a consumes", () -> auditRows() >= 100, a);
            RoutesProcess b = g.start("b", "b");
            RoutesProcess c = g.start("c", "c", Map.of("READINESS", "delivering"));
            for (RoutesProcess standby : List.of(b, c)) {
                g.waitFor("a member without partitions", () -> standby.body("/observe/health?data=true")
                        .contains("connected, but no partition is assigned"), standby);
                assertThat(standby.status("/observe/health")).isEqualTo(503);
            }
            assertThat(b.status("/observe/health/ready")).as("standby, READINESS=running").isEqualTo(200);
            assertThat(c.status("/observe/health/ready")).as("standby, READINESS=delivering").isEqualTo(503);
            assertThat(a.status("/observe/health/ready")).as("the member that consumes").isEqualTo(200);

            // a fourth process given a's SINK_DIR by mistake: it would append to a's files, so it does not start
            RoutesProcess d = g.start("d", "a");
            assertThat(d.waitFor(Duration.ofSeconds(60))).as("the process on a taken SINK_DIR exits").isTrue();
            assertThat(g.logLines(3, "SINK_DIR: " + Pattern.quote(g.sink("a").toString()) + " is in use by another "
                    + "routes process")).isNotEmpty();
            assertThat(a.status("/observe/health/ready")).as("the holder goes on").isEqualTo(200);
        }
    }

    @Test
    @Order(4)
    @DisplayName("full scale only: kill -9 of one of two instances that does not come back; its partitions wait for "
            + "the session timeout")
    void killWithoutReturn() throws Exception {
        memberGone("gone", Map.of(), RoutesProcess::kill, "kill -9, the instance gone");
    }

    @Test
    @Order(5)
    @DisplayName("full scale only: SIGTERM with CDC_LEAVE_GROUP_ON_STOP=false; its partitions wait for the session "
            + "timeout")
    void sigtermWithStay() throws Exception {
        memberGone("stay", Map.of("CDC_LEAVE_GROUP_ON_STOP", "false"), p -> p.terminate(Duration.ofSeconds(60)),
                "SIGTERM with CDC_LEAVE_GROUP_ON_STOP=false, the instance gone");
    }

    /** Two instances; one is stopped and does not come back: how long until the other commits on its partitions. */
    private void memberGone(String key, Map<String, String> env, java.util.function.Consumer<RoutesProcess> stop,
            String figure) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(FULL, "measured under -Preliability only: it waits 45 s");
        Group g = new Group(key, env);
        long n = 120L * 100;
        try (g) {
            RoutesProcess a = g.start("a", "a");
            RoutesProcess b = g.start("b", "b");
            g.waitFor("both hold partitions", () -> g.assignment().size() == 2, a);
            CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> g.trickle(0, n, 100));
            Set<TopicPartition> ofB = g.assignment().get(g.instance("b"));
            g.waitFor("b writes", () -> lines(g.sink("b")) > 0, b);
            long t0 = System.nanoTime();
            stop.accept(b);
            Map<TopicPartition, Long> atStop = g.committed(ofB);
            g.waitFor("b's partitions committed by a", () -> g.committedBeyond(atStop), a);
            long failover = System.nanoTime() - t0;
            FIGURES.add(figure + ": its partitions committed by the other " + seconds(failover)
                    + " after the signal (CDC_SESSION_TIMEOUT_MS 45000)");
            trickle.get(5, TimeUnit.MINUTES);
            g.waitFor("every change in the audit table", () -> auditRows() >= n, a);
            g.waitForCommittedToEnd(a);
            g.assertEveryChangeOnceInAuditAndAtLeastOnceInFiles(n);
            assertThat(Duration.ofNanos(failover)).isGreaterThan(Duration.ofSeconds(30));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** One topic of three partitions and one group; each instance name has its own SINK_DIR. */
    static final class Group implements AutoCloseable {
        final String topic;
        final String group;
        final Path dir;
        final int partitions;
        final Map<String, String> env = new HashMap<>();
        final List<RoutesProcess> processes = new ArrayList<>();
        final List<Path> logs = new ArrayList<>();

        Group(String key, Map<String, String> env) throws IOException {
            this(key, env, 3);
        }

        Group(String key, Map<String, String> env, int partitions) throws IOException {
            this.topic = "so-" + key + "-" + UUID.randomUUID().toString().substring(0, 8);
            this.group = "g-" + topic;
            this.dir = WORK.resolve(key);
            this.env.putAll(env);
            Files.createDirectories(dir);
            this.partitions = partitions;
            kafka.createTopic(topic, partitions);
            db.executeScript("truncate table cdc_audit.change_event;");
        }

        String instance(String name) {
            return "ns-" + name;
        }

        Path sink(String sinkName) {
            return dir.resolve("sink-" + sinkName).toAbsolutePath();
        }

        RoutesProcess start(String name, String sinkName) {
            return start(name, sinkName, Map.of());
        }

        RoutesProcess start(String name, String sinkName, Map<String, String> extra) {
            Map<String, String> e = RoutesProcess.pipelineEnv(kafka.bootstrapServers(), db, topic, topic + "-dlq",
                    group, instance(name), sink(sinkName));
            e.putAll(env);
            e.putAll(extra);
            Path log = dir.resolve("routes-" + (logs.size() + 1) + "-" + name + ".log");
            logs.add(log);
            List<String> jvm = new ArrayList<>(IMAGE_JVM);
            jvm.add("-Dlog4j2.configurationFile=" + logConfig);
            RoutesProcess p = RoutesProcess.start(e, jvm, log);
            processes.add(p);
            return p;
        }

        void send(long from, long to) {
            for (long chunk = from; chunk < to; chunk += 5_000) {
                List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
                for (long id = chunk; id < Math.min(to, chunk + 5_000); id++) {
                    records.add(new ProducerRecord<>(topic, (int) (id % partitions), null,
                            CanalRecords.insert("app_db", "scale", id, CanalRecords.BASE_TS + id, "row " + id)));
                }
                kafka.sendAllAcknowledged(records);
            }
        }

        /** Sends at {@code perSecond}, in tenths of a second: a load with a pace. */
        void trickle(long from, long to, int perSecond) {
            long step = Math.max(1, perSecond / 10);
            long next = System.nanoTime();
            for (long chunk = from; chunk < to; chunk += step) {
                send(chunk, Math.min(to, chunk + step));
                next += TimeUnit.MILLISECONDS.toNanos(100);
                long left = next - System.nanoTime();
                if (left > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }

        /** Each member's partitions, by CDC_INSTANCE_ID; members without partitions are left out. */
        Map<String, Set<TopicPartition>> assignment() {
            try (Admin admin = kafka.admin()) {
                ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).describedGroups()
                        .get(group).get(10, TimeUnit.SECONDS);
                Map<String, Set<TopicPartition>> out = new TreeMap<>();
                for (MemberDescription m : d.members()) {
                    Set<TopicPartition> tps = m.assignment().topicPartitions();
                    if (!tps.isEmpty()) {
                        out.put(m.groupInstanceId().orElse(m.consumerId()), tps);
                    }
                }
                return out;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        Map<TopicPartition, Long> committed(Set<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> c = kafka.committedOffsets(group);
            Map<TopicPartition, Long> out = new HashMap<>();
            for (TopicPartition tp : partitions) {
                out.put(tp, c.get(tp) == null ? -1L : c.get(tp).offset());
            }
            return out;
        }

        /** Every one of these partitions has a commit beyond the offset given. */
        boolean committedBeyond(Map<TopicPartition, Long> offsets) {
            Map<TopicPartition, Long> now = committed(offsets.keySet());
            return offsets.entrySet().stream().allMatch(e -> now.get(e.getKey()) > e.getValue());
        }

        void waitForCommittedToEnd(RoutesProcess p) {
            Map<Integer, Long> end = kafka.endOffsets(topic);
            waitFor("committed offsets reach " + end, () -> {
                Map<TopicPartition, OffsetAndMetadata> c = kafka.committedOffsets(group);
                return end.entrySet().stream().allMatch(e -> {
                    OffsetAndMetadata o = c.get(new TopicPartition(topic, e.getKey()));
                    return o != null && o.offset() >= e.getValue();
                });
            }, p);
        }

        void waitFor(String what, java.util.concurrent.Callable<Boolean> condition, RoutesProcess p) {
            await(what).atMost(Duration.ofMinutes(FULL ? 10 : 3)).pollInterval(Duration.ofMillis(250))
                    .failFast("the routes process exited (see " + p.log() + ")", () -> !p.isAlive())
                    .until(condition);
        }

        List<String> logLines(int process, String regex) {
            Pattern pattern = Pattern.compile(regex);
            return read(logs.get(process)).lines().filter(l -> pattern.matcher(l).find()).toList();
        }

        /** Generation ids the consumers of this group joined with, from every log. */
        Set<Integer> generations() {
            Set<Integer> out = new TreeSet<>();
            for (Path log : logs) {
                Matcher m = GENERATION.matcher(read(log));
                while (m.find()) {
                    out.add(Integer.parseInt(m.group(1)));
                }
            }
            return out;
        }

        /** Every change sent is in the audit table once, and in the union of the file sinks at least once. */
        void assertEveryChangeOnceInAuditAndAtLeastOnceInFiles(long sent) throws IOException {
            assertThat(db.queryLong("select count(*) from cdc_audit.change_event")).as("audit rows").isEqualTo(sent);
            assertThat(db.queryLong("select count(distinct event_key) from cdc_audit.change_event"))
                    .as("distinct audit event keys").isEqualTo(sent);
            Set<String> inFiles = new java.util.HashSet<>();
            long torn = 0;
            try (var sinks = Files.list(dir)) {
                for (Path sink : sinks.filter(s -> s.getFileName().toString().startsWith("sink-")).toList()) {
                    FileSinkScan scan = FileSinkScan.of(sink);
                    inFiles.addAll(scan.commitTs());
                    torn += scan.torn();
                }
            }
            assertThat(torn).as("torn lines in the file sinks").isZero();
            long missing = 0;
            for (long id = 0; id < sent; id++) {
                if (!inFiles.contains(String.valueOf(CanalRecords.BASE_TS + id))) {
                    missing++;
                }
            }
            assertThat(missing).as("changes missing from every file sink").isZero();
        }

        @Override
        public void close() {
            for (RoutesProcess p : processes) {
                if (p.isAlive() && !p.terminate(Duration.ofSeconds(60))) {
                    p.kill();
                }
            }
        }

        private static String read(Path log) {
            try {
                return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static long auditRows() {
        return db.queryLong("select count(*) from cdc_audit.change_event");
    }

    static long lines(Path sink) {
        return FileSinkScan.of(sink).lines();
    }

    static String seconds(long nanos) {
        return String.format("%.1f s", nanos / 1e9);
    }
}
