package org.tidbcdc.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
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
import org.tidbcdc.routes.testsupport.StallingProxy;

/**
 * The fault suite: a KRaft broker in its own process, a real MariaDB and the real {@code routes.jar} as a separate
 * process, so a SIGKILL is a real kill and a broker or database outage is a real one. Each scenario states what it
 * expects and checks it by comparing what was sent with the audit table and the file sink; the table of results is
 * printed and written to {@code target/reliability-report.md}.
 *
 * <p>{@code -Dreliability.scale=short} (the default, what CI runs) uses small counts and shortened outages;
 * {@code full} ({@code mvn verify -Preliability}) runs the issue's numbers. {@code -Dreliability.seed=N} repeats the
 * random kill points and poison records of an earlier run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReliabilityIT {

    static final Scale SCALE = Scale.of(System.getProperty("reliability.scale", "short"));
    static final long SEED = Long.getLong("reliability.seed", System.nanoTime());
    static final Path WORK = Path.of("target", "reliability");
    static final String READY = "/observe/health/ready";
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<Row> REPORT = Collections.synchronizedList(new ArrayList<>());
    static final long SUITE_START = System.nanoTime();

    /**
     * The JVM settings of the image (Dockerfile's JAVA_TOOL_OPTIONS): every scenario runs with the heap production
     * has, and an OutOfMemoryError ends the process, which fails the scenario at once.
     */
    static final List<String> IMAGE_JVM = List.of("-XX:+UseSerialGC", "-Xms64m", "-Xmx256m",
            "-XX:MaxMetaspaceSize=128m", "-XX:ReservedCodeCacheSize=64m", "-XX:MaxDirectMemorySize=64m",
            "-XX:+ExitOnOutOfMemoryError");

    static KafkaProcess kafka;
    static MariaDbServer db;

    /** The counts and durations of one run of the suite. */
    record Scale(String name, int crashEvents, int kills, Duration brokerDown, int brokerEvents, int outageEvents,
            Duration shortOutage, Duration longOutage, Duration hang, Map<String, String> outageEnv, Duration readOnly,
            int sinkEvents, int replayEvents, int poison, int stopEvents, int pressureEvents, int bigRows,
            int stallEvents, Duration brokerHang, Map<String, String> brokerHangEnv, Duration maxWait) {

        static Scale of(String name) {
            switch (name) {
                case "short":
                    // the long outage and the hang stay longer than max.poll.interval.ms, lowered to 20 s, and one
                    // retry cycle (3 attempts of up to 3 s for a connection and 3 s for a hanging database, 0.2 s and
                    // 0.4 s apart) fits inside it, as startup checks
                    return new Scale(name, 20_000, 3, Duration.ofSeconds(10), 10_000, 5_000,
                            Duration.ofSeconds(15), Duration.ofSeconds(25), Duration.ofSeconds(25),
                            Map.of("CDC_MAX_POLL_INTERVAL_MS", "20000", "CDC_RETRY_MAX_REDELIVERIES", "2",
                                    "CDC_RETRY_DELAY_MS", "200", "CDC_RETRY_MAX_DELAY_MS", "1000",
                                    "AUDIT_SOCKET_TIMEOUT_MS", "3000"),
                            Duration.ofSeconds(10), 4_000, 3_000, 300, 20_000, 40_000, 200, 2_000,
                            Duration.ofSeconds(70), Map.of("CDC_RETRY_MAX_REDELIVERIES", "1",
                                    "CDC_RETRY_DELAY_MS", "200", "CDC_SESSION_TIMEOUT_MS", "10000"),
                            Duration.ofMinutes(3));
                case "full":
                    // the issue's numbers, with the default max.poll.interval.ms (300 s), retry settings and audit
                    // socket timeout; the hang stays under InnoDB's 600 s semaphore-wait limit
                    return new Scale(name, 200_000, 5, Duration.ofSeconds(20), 50_000, 20_000,
                            Duration.ofSeconds(30), Duration.ofMinutes(6), Duration.ofMinutes(6), Map.of(),
                            Duration.ofSeconds(60), 20_000, 20_000, 1_000, 100_000, 500_000, 1_000, 10_000,
                            Duration.ofMinutes(4), Map.of(), Duration.ofMinutes(15));
                default:
                    throw new IllegalArgumentException("reliability.scale must be short or full, got " + name);
            }
        }
    }

    /** One line of the report. */
    record Row(String scenario, long sent, long auditRows, long auditDuplicates, long fileDuplicates, long lostAudit,
            long lostFile, long dlq, String recovery, String notes) {
    }

    @BeforeAll
    static void startParts() throws IOException {
        deleteTree(WORK);
        Files.createDirectories(WORK);
        System.out.printf("%nReliability suite: scale=%s seed=%d (repeat with -Dreliability.seed=%d)%n", SCALE.name(),
                SEED, SEED);
        kafka = KafkaProcess.start(WORK.resolve("kafka"));
        db = MariaDbServer.start();
        db.applyDbScripts();
    }

    @AfterAll
    static void report() throws IOException {
        try {
            String table = reportMarkdown();
            System.out.println();
            System.out.println(table);
            Files.writeString(Path.of("target", "reliability-report.md"), table, StandardCharsets.UTF_8);
        } finally {
            if (kafka != null) {
                kafka.close();
            }
            if (db != null) {
                db.close();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 1. Crash loop

    @Test
    @Order(1)
    @DisplayName("1 crash loop: events in flight, SIGKILL inside a batch's file write, then at random points, and "
            + "restart; 0 missing, 0 duplicates in the audit table and the file sink")
    void crashLoop() throws Exception {
        Random random = new Random(SEED);
        int n = SCALE.crashEvents();
        try (Run run = new Run("1 crash loop", "s1")) {
            Path blocked = firstBatchBlockedInItsFileWrite(run, n);
            RoutesProcess p = run.start();
            RoutesProcess first = p;
            Path written = run.sinkDir.resolve("app_db/s1_written").resolve(blocked.getFileName());
            waitFor("the first table's lines in the file sink, the batch blocked at the third",
                    () -> Files.exists(written) && Files.readAllLines(written).size() == FIRST_BATCH_ROWS, first);
            p.kill();
            Files.delete(blocked);
            p = run.start();
            RoutesProcess second = p;
            waitFor("the first batch committed after the restart",
                    () -> committedTotal(run) >= 3L * FIRST_BATCH_ROWS, second);
            CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> sendInserts(run, "s1", 0, n));
            List<String> recoveries = new ArrayList<>();
            List<Long> killedAt = new ArrayList<>();
            for (int k = 0; k < SCALE.kills(); k++) {
                long threshold = (long) (n * (k + random.nextDouble()) / (SCALE.kills() + 1));
                RoutesProcess running = p;
                waitFor("audit rows >= " + threshold + " before kill " + (k + 1), () -> auditRows() >= threshold,
                        running);
                p.kill();
                long atKill = auditRows();
                killedAt.add(atKill);
                p = run.start();
                long restarted = System.nanoTime();
                RoutesProcess restartedProcess = p;
                waitFor("progress after restart " + (k + 1), () -> auditRows() > atKill, restartedProcess);
                recoveries.add(seconds(System.nanoTime() - restarted));
            }
            producing.get(SCALE.maxWait().toMillis(), TimeUnit.MILLISECONDS);
            RoutesProcess last = p;
            int all = n + 3 * FIRST_BATCH_ROWS;
            waitFor("every event in the audit table", () -> auditRows() >= all, last);
            waitForCommittedToEnd(run, last);
            Outcome o = Outcome.of(run, range(0, all));
            long heldBackAtFirstRestart = heldBack(run.logs.subList(1, 2));
            run.report(o, "max " + max(recoveries) + " (restart to first new row)",
                    "killed inside the first batch's file write, " + heldBackAtFirstRestart + " of its "
                            + 3 * FIRST_BATCH_ROWS + " changes in the file then, not appended again; then killed at "
                            + "audit rows " + killedAt + ", seed " + SEED + "; torn last lines cut at startup: "
                            + run.logLines("Cut a torn last line").size() + "; changes the file held at a restart, not "
                            + "appended again: " + heldBack(run.logs));
            o.assertComplete();
            assertThat(heldBackAtFirstRestart).as("the first batch's lines the file held at the first restart")
                    .isEqualTo(FIRST_BATCH_ROWS);
            assertThat(o.fileDuplicates).as("file lines written twice").isZero();
        }
    }

    static final int FIRST_BATCH_ROWS = 10;

    /**
     * Puts the first batch in the topic before the routes start, so they take it whole: rows of three tables, in
     * order, on one partition, with ids from {@code firstId}. The third table's file is a FIFO that nobody reads, so
     * the file sink blocks opening it, after it has appended the first table's lines and before it appends the
     * second's: a kill then is a crash in the middle of a batch's file write, every time. Returns the FIFO.
     */
    static Path firstBatchBlockedInItsFileWrite(Run run, long firstId) throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        long id = firstId;
        for (String table : List.of("s1_written", "s1_buffered", "s1_blocked")) {
            for (int i = 0; i < FIRST_BATCH_ROWS; i++, id++) {
                records.add(new ProducerRecord<>(run.topic, 0, null, CanalRecords.insert("app_db", table, id,
                        CanalRecords.BASE_TS + id, "row " + id)));
            }
        }
        kafka.sendAllAcknowledged(records);
        String day = Instant.ofEpochMilli(CanalRecords.BASE_TS >>> 18).atZone(ZoneOffset.UTC).toLocalDate() + ".jsonl";
        Path fifo = Files.createDirectories(run.sinkDir.resolve("app_db/s1_blocked")).resolve(day);
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).as("mkfifo " + fifo).isZero();
        return fifo;
    }

    /** The changes the file sink left out after restarts because it held them already (its WARN lines). */
    static long heldBack(List<Path> logs) throws IOException {
        long held = 0;
        for (Path log : logs) {
            try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
                held += lines.filter(l -> l.contains("Not appended again: ")).mapToLong(l -> Long.parseLong(
                        l.replaceFirst(".*Not appended again: (\\d+) of .*", "$1"))).sum();
            }
        }
        return held;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 2. Broker restart

    @Test
    @Order(2)
    @DisplayName("2 broker restart: Kafka stopped mid-stream and started again; 0 missing, the consumer reconnects "
            + "by itself")
    void brokerRestart() throws Exception {
        int n = SCALE.brokerEvents();
        try (Run run = new Run("2 broker restart", "s2")) {
            sendInserts(run, "s2", 0, n / 2);
            RoutesProcess p = run.start();
            long pid = p.pid();
            waitFor("mid-stream", () -> auditRows() >= n / 8, p);
            kafka.stop();
            long down = System.nanoTime();
            sleepUntil(down + SCALE.brokerDown().toNanos());
            kafka.startAgain();
            long up = System.nanoTime();
            long atUp = auditRows();
            CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> sendInserts(run, "s2", n / 2, n));
            waitFor("progress after the broker is back", () -> auditRows() > atUp, p);
            String recovery = seconds(System.nanoTime() - up);
            producing.get(SCALE.maxWait().toMillis(), TimeUnit.MILLISECONDS);
            waitFor("every event in the audit table", () -> auditRows() >= n, p);
            waitForCommittedToEnd(run, p);
            waitFor("ready again", () -> p.status(READY) == 200, p);
            Outcome o = Outcome.of(run, range(0, n));
            run.report(o, recovery + " (broker up to first new row)", "broker down "
                    + SCALE.brokerDown().toSeconds() + " s; same process (pid " + pid + "), no restart");
            assertThat(p.isAlive()).as("the routes process survived the broker restart").isTrue();
            assertThat(p.pid()).isEqualTo(pid);
            o.assertComplete();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 3. Database outage

    @Test
    @Order(3)
    @DisplayName("3 database outage: MariaDB stopped mid-stream, once shorter and once longer than "
            + "max.poll.interval.ms, then hung (SIGSTOP) longer than it; 0 missing, 0 duplicates, no offset committed "
            + "past an unwritten event, resumes by itself without leaving the group, readiness DOWN during the outage")
    void databaseOutage() throws Exception {
        int n = SCALE.outageEvents();
        try (Run run = new Run("3 database outage", "s3")) {
            run.env.putAll(SCALE.outageEnv());
            RoutesProcess p = run.start();
            waitFor("ready", () -> p.status(READY) == 200, p);
            List<String> recoveries = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            long sent = 0;
            // a stopped database refuses connections at once; a hung one accepts them and never answers, so only the
            // audit pool's timeouts end each attempt, and a statement sent before the hang may still commit after it
            List<DbOutage> outages = List.of(new DbOutage("outage", SCALE.shortOutage(), db::stop, db::startAgain),
                    new DbOutage("outage", SCALE.longOutage(), db::stop, db::startAgain),
                    new DbOutage("hang", SCALE.hang(), db::freeze, db::thaw));
            for (DbOutage outage : outages) {
                long from = sent;
                sent += n;
                long total = sent;
                long quarter = from + n / 4;
                long half = from + n / 2;
                sendInserts(run, "s3", from, quarter);
                waitFor("mid-stream", () -> auditRows() >= quarter, p);
                // a steady trickle, so that batches are being written when the fault begins (the consumer drains a
                // burst faster than this test can react to it)
                CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> trickleInserts(run, "s3", quarter, half));
                waitFor("the trickle being written", () -> auditRows() > quarter, p);

                int timeoutsBefore = run.logLines(SOCKET_TIMEOUT).size();
                int deadlinesBefore = run.logLines(DEADLINE).size();
                GroupWatch watch = new GroupWatch(run);
                String downBody;
                Instant cutoff;
                outage.begin().run();
                long down = System.nanoTime();
                try {
                    // and these certainly arrive while the database is away
                    sendInserts(run, "s3", half, total);
                    waitFor("readiness DOWN during the database " + outage.kind(), () -> p.status(READY) == 503, p);
                    downBody = p.body(READY);
                    sleepUntil(down + outage.length().toNanos());
                } finally {
                    try {
                        // the last group sample while the database is still away: an offset committed after it comes
                        // back may rightly belong to rows written since
                        watch.stop();
                    } finally {
                        // a database left frozen would hang every later scenario and the suite's own shutdown
                        cutoff = Instant.now();
                        outage.end().run();
                    }
                }
                long up = System.nanoTime();
                trickle.get(1, TimeUnit.MINUTES);
                long atUp = auditRows();
                waitFor("progress after the database is back", () -> auditRows() > atUp, p);
                recoveries.add(outage + ": " + seconds(System.nanoTime() - up));
                waitFor("ready again", () -> p.status(READY) == 200, p);
                waitFor("every event in the audit table", () -> auditRows() >= total, p);
                waitForCommittedToEnd(run, p);

                assertThat(downBody).as("readiness names the audit database").contains("audit-database");
                assertThat(watch.samples).as("group samples during the outage").isGreaterThan(0);
                watch.assertStayedInGroup();
                Map<Integer, Long> unwritten = committedPastUnwritten(watch.maxCommitted, cutoff);
                assertThat(unwritten).as("per partition: offsets committed during the outage whose event was not "
                        + "in the audit table before it").allSatisfy((partition, count) -> assertThat(count).isZero());
                notes.add(outage + ": committed meanwhile " + watch.maxCommitted + ", "
                        + watch.samples + " group samples all STABLE with one member id, "
                        + (run.logLines(SOCKET_TIMEOUT).size() - timeoutsBefore) + " reads ended by the socket timeout, "
                        + (run.logLines(DEADLINE).size() - deadlinesBefore) + " statements by the deadline");
            }
            Outcome o = Outcome.of(run, range(0, sent));
            run.report(o, String.join("; ", recoveries) + " (database up to first new row)", String.join("; ", notes)
                    + "; max.poll.interval.ms " + SCALE.outageEnv().getOrDefault("CDC_MAX_POLL_INTERVAL_MS", "300000"));
            assertThat(o.fileDuplicates).as("file lines written twice: a batch rewound at the audit table must not "
                    + "have reached the file sink").isZero();
            assertThat(run.logLines(EVICTION)).as("log lines of an eviction or rebalance").isEmpty();
            o.assertComplete();
        }
    }

    /** A wait for the audit database that only its socket timeout ended: the mark of a hang, not a refusal. */
    static final String SOCKET_TIMEOUT = "SocketTimeoutException: Read timed out";
    /** Log lines of a consumer that left its group, or of a rebalance. */
    static final String EVICTION = "poll timeout has expired|WARN.*max\\.poll\\.interval|Revok|rebalanc";
    /** A statement that the audit pool's deadline ended (StatementDeadline's warning). */
    static final String DEADLINE = "WARN .*StatementDeadline";

    /** One way the audit database goes away for a while, and how it comes back. */
    record DbOutage(String kind, Duration length, Runnable begin, Runnable end) {
        @Override
        public String toString() {
            return length.toSeconds() + " s " + kind;
        }
    }

    /**
     * For each partition, how many offsets below the highest offset committed during the outage belong to events that
     * were not in the audit table before the database came back (written before {@code cutoff}).
     */
    Map<Integer, Long> committedPastUnwritten(Map<Integer, Long> committed, Instant cutoff) {
        String at = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC).format(cutoff);
        Map<Integer, Set<Long>> written = new HashMap<>();
        for (List<String> r : db.query("select kafka_partition, kafka_offset from cdc_audit.change_event "
                + "where received_at < '" + at + "'")) {
            written.computeIfAbsent(Integer.parseInt(r.get(0)), k -> new HashSet<>()).add(Long.parseLong(r.get(1)));
        }
        Map<Integer, Long> out = new TreeMap<>();
        committed.forEach((partition, offset) -> out.put(partition, LongStream.range(0, offset)
                .filter(o -> !written.getOrDefault(partition, Set.of()).contains(o)).count()));
        return out;
    }

    /** Samples the group while a fault lasts: committed offsets, state and the static member. */
    final class GroupWatch {
        final Map<Integer, Long> maxCommitted = new ConcurrentHashMap<>();
        final Set<String> memberIds = ConcurrentHashMap.newKeySet();
        final Set<String> states = ConcurrentHashMap.newKeySet();
        volatile int samples;
        volatile int absent;
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private final Run run;

        GroupWatch(Run run) {
            this.run = run;
            timer.scheduleWithFixedDelay(this::sample, 0, 500, TimeUnit.MILLISECONDS);
        }

        private void sample() {
            try (Admin admin = kafka.admin()) {
                admin.listConsumerGroupOffsets(run.group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                        .forEach((tp, o) -> maxCommitted.merge(tp.partition(), o.offset(), Math::max));
                ConsumerGroupDescription g = admin.describeConsumerGroups(List.of(run.group)).all()
                        .get(10, TimeUnit.SECONDS).get(run.group);
                states.add(g.state().name());
                MemberDescription member = g.members().stream()
                        .filter(m -> m.groupInstanceId().orElse("").equals(run.instance)).findFirst().orElse(null);
                if (member == null) {
                    absent++;
                } else {
                    memberIds.add(member.consumerId());
                }
                samples++;
            } catch (Exception e) {
                System.out.println("group sample failed: " + e);
            }
        }

        void stop() throws InterruptedException {
            timer.shutdown();
            timer.awaitTermination(30, TimeUnit.SECONDS);
            sample();
        }

        /** The static member was in the group at every sample, with one member id, and the group stayed Stable. */
        void assertStayedInGroup() {
            assertThat(absent).as("samples without the static member " + run.instance).isZero();
            assertThat(memberIds).as("member ids seen (a rejoin after eviction changes it)").hasSize(1);
            assertThat(states).as("group states while it was watched").containsOnly("STABLE");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 4. Read-only sink folder

    @Test
    @Order(4)
    @DisplayName("4 unwritable sink folder: the sink folder read-only for a while; no loss, the state visible in "
            + "readiness and in the log")
    void readOnlySinkFolder() throws Exception {
        int n = SCALE.sinkEvents();
        try (Run run = new Run("4 read-only sink folder", "s4")) {
            run.launcher = RoutesProcess.subjectToFilePermissions();
            RoutesProcess p = run.start();
            sendInserts(run, "s4_a", 0, n / 2);
            waitFor("first half in the audit table", () -> auditRows() >= n / 2, p);
            waitForCommittedToEnd(run, p);
            waitFor("ready", () -> p.status(READY) == 200, p);

            setWritable(run.sinkDir, false);
            long readOnly = System.nanoTime();
            // half of the new changes need a new table folder, which a read-only folder refuses
            List<ProducerRecord<byte[], byte[]>> second = new ArrayList<>();
            for (long id = n / 2; id < n; id++) {
                second.add(insertRecord(run, id % 2 == 0 ? "s4_a" : "s4_b", id));
            }
            kafka.sendAllAcknowledged(second);
            String body;
            try {
                waitFor("readiness DOWN while the folder is read-only", () -> p.status(READY) == 503, p);
                body = p.body(READY);
                waitFor("a WARN line naming the cause", () -> !run.logLines("WARN.*AccessDenied").isEmpty(), p);
                sleepUntil(readOnly + SCALE.readOnly().toNanos());
            } finally {
                setWritable(run.sinkDir, true);
            }
            long writable = System.nanoTime();
            // the audit table is written before the file sink, so progress shows in the committed offsets
            long atWritable = committedTotal(run);
            waitFor("a commit once writable", () -> committedTotal(run) > atWritable, p);
            String recovery = seconds(System.nanoTime() - writable);
            waitForCommittedToEnd(run, p);
            waitFor("ready again", () -> p.status(READY) == 200, p);

            assertThat(body).as("readiness while read-only").contains("file-sink").contains("not writable");
            List<String> warnings = run.logLines("WARN.*AccessDenied");
            Outcome o = Outcome.of(run, range(0, n));
            run.report(o, recovery + " (writable to first commit)", "read-only "
                    + SCALE.readOnly().toSeconds() + " s; " + warnings.size() + " WARN lines name AccessDenied");
            o.assertComplete();
        }
    }

    static void setWritable(Path dir, boolean writable) throws IOException {
        Set<PosixFilePermission> dirs = PosixFilePermissions.fromString(writable ? "rwxr-xr-x" : "r-xr-xr-x");
        Set<PosixFilePermission> files = PosixFilePermissions.fromString(writable ? "rw-r--r--" : "r--r--r--");
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                Files.setPosixFilePermissions(p, Files.isDirectory(p) ? dirs : files);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 5. TiCDC replay

    @Test
    @Order(5)
    @DisplayName("5 TiCDC replay: the same records again, then older commitTs at higher offsets after newer changes; "
            + "no new audit rows, nothing newer dropped")
    void ticdcReplay() throws Exception {
        int n = SCALE.replayEvents();
        long insertTs = CanalRecords.BASE_TS;
        long update2Ts = insertTs + 4L * n;
        long update3Ts = insertTs + 8L * n;
        try (Run run = new Run("5 TiCDC replay", "s5")) {
            List<ProducerRecord<byte[], byte[]>> first = new ArrayList<>();
            for (long id = 0; id < n; id++) {
                first.add(insertRecord(run, "s5", id));
            }
            for (int partition = 0; partition < 3; partition++) {
                first.add(new ProducerRecord<>(run.topic, partition, null, CanalRecords.watermark(update2Ts)));
            }
            kafka.sendAllAcknowledged(first);
            RoutesProcess p = run.start();
            waitFor("every insert in the audit table", () -> auditRows() >= n, p);
            waitForCommittedToEnd(run, p);

            // the same records again, at higher offsets
            kafka.sendAllAcknowledged(first);
            waitForCommittedToEnd(run, p);
            long afterSameRecords = auditRows();

            // a changefeed restart from a checkpoint in the middle: newer changes first, then an older watermark,
            // the older inserts again (some on another partition), then the newest changes
            List<ProducerRecord<byte[], byte[]>> replay = new ArrayList<>();
            Set<Long> expected = new HashSet<>(range(0, n));
            int replayed = 0;
            for (long id = n / 2; id < n; id++) {
                replay.add(record(run, id, CanalRecords.update("app_db", "s5", id, update2Ts + id, "row " + id,
                        "row " + id + " v2")));
                expected.add(update2Ts + id);
            }
            for (int partition = 0; partition < 3; partition++) {
                replay.add(new ProducerRecord<>(run.topic, partition, null, CanalRecords.watermark(insertTs + n)));
            }
            for (long id = n / 2; id < n; id++) {
                int partition = (int) ((id % 5 == 0 ? id + 1 : id) % 3);
                replay.add(new ProducerRecord<>(run.topic, partition, null,
                        CanalRecords.insert("app_db", "s5", id, insertTs + id, "row " + id)));
                replayed++;
            }
            for (long id = n / 2; id < n; id++) {
                replay.add(record(run, id, CanalRecords.update("app_db", "s5", id, update3Ts + id, "row " + id + " v2",
                        "row " + id + " v3")));
                expected.add(update3Ts + id);
            }
            kafka.sendAllAcknowledged(replay);
            waitFor("every newer change in the audit table", () -> auditRows() >= expected.size(), p);
            waitForCommittedToEnd(run, p);

            Outcome o = Outcome.of(run, expected);
            run.report(o, "-", (n + replayed) + " records replayed (" + n + " same records, " + replayed
                    + " older commitTs after newer changes, " + (n / 2 / 5) + " of them on another partition)");
            assertThat(afterSameRecords).as("audit rows after the same records again").isEqualTo(n);
            o.assertComplete();
            assertThat(o.fileDuplicates).as("file lines of replays, each with the eventKey of its first line")
                    .isEqualTo(n + replayed);
            assertThat(o.fileConflicts).isZero();
            List<String> v3 = db.query("select after_image from cdc_audit.change_event where commit_ts = "
                    + (update3Ts + n - 1)).stream().map(r -> r.get(0)).toList();
            assertThat(v3).singleElement().satisfies(a -> assertThat(JSON.readTree(a).get("v").asText())
                    .isEqualTo("row " + (n - 1) + " v3"));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 6. Poison and hostile input

    static final List<String> INJECTIONS = List.of(
            "'; DROP TABLE cdc_audit.change_event; --",
            "1' OR '1'='1",
            "\\'; SHUTDOWN; --",
            "Robert'); DROP TABLE students;--",
            "\" OR \"\"=\"",
            "'||(SELECT user())||'",
            "0x27 UNION SELECT event_key FROM cdc_audit.change_event --",
            ":#event_key, :#op",
            "${body} ${header.kafka.TOPIC} {{env:HOME}} #{bean} $simple{exchangeId}",
            "${jndi:ldap://127.0.0.1:1/a} ${env:HOME}",
            "%s %n %d %x",
            "line1\nline2\r\n\ttab\u000b\u001b[31mred",
            "NUL \u0000 inside",
            "emoji 🙂, 测试, \uFEFF BOM, RTL \u202E",
            "</script><script>alert(1)</script>");

    @Test
    @Order(6)
    @DisplayName("6 poison and hostile input: bad records mixed into good ones; every bad record in the DLQ with its "
            + "origin, every valid record in all sinks, injected strings verbatim, hostile names inside SINK_DIR, "
            + "the process never crashes")
    void poisonAndHostileInput() throws Exception {
        Random random = new Random(SEED);
        String marker = "rel-evil-" + UUID.randomUUID().toString().substring(0, 8);
        // valid names: TiDB allows 64 characters, a longer one is a bad record (see CanalRecords.poison)
        List<String[]> hostileNames = List.of(
                new String[] {"../".repeat(20) + "tmp", marker},
                new String[] {"app_db", "../".repeat(14) + "tmp/" + marker},
                new String[] {"/tmp/" + marker, "t"},
                new String[] {"app_db", "/tmp/" + marker + "-abs"},
                new String[] {"..", ".."},
                new String[] {".", "."},
                new String[] {"app_db", "..\\..\\..\\" + marker},
                new String[] {"app_db", "a/../../" + marker},
                new String[] {"app_db", "_database"},
                new String[] {"%2e%2e%2f" + marker, "%2e%2e"},
                new String[] {"app_db", "nul\u0000" + marker},
                new String[] {"d".repeat(64), "x".repeat(64)},
                new String[] {"app_db", "🙂".repeat(64)},
                new String[] {"ü/..", "🙂/../" + marker},
                new String[] {"app_db", "~/" + marker});
        try (Run run = new Run("6 poison and hostile input", "s6")) {
            List<Item> items = new ArrayList<>();
            List<CanalRecords.Poison> poison = new ArrayList<>(CanalRecords.poison(SCALE.poison(), random));
            poison.add(CanalRecords.hugeInvalid(5 << 20));
            poison.add(new CanalRecords.Poison("null value", null));
            poison.forEach(b -> items.add(new Item(b.kind(), b.value(), null)));
            long ts = CanalRecords.BASE_TS;
            for (int i = 0; i < 3 * SCALE.poison(); i++, ts++) {
                items.add(new Item("good", CanalRecords.insert("app_db", "s6_good", i, ts, "row " + i), ts));
            }
            Map<Long, String> injected = new HashMap<>();
            for (int i = 0; i < INJECTIONS.size(); i++, ts++) {
                items.add(new Item("injection", CanalRecords.insert("app_db", "s6_inject", i, ts, INJECTIONS.get(i)),
                        ts));
                injected.put(ts, INJECTIONS.get(i));
            }
            Map<Long, String[]> hostile = new HashMap<>();
            for (int i = 0; i < hostileNames.size(); i++, ts++) {
                String[] name = hostileNames.get(i);
                items.add(new Item("hostile name", CanalRecords.insert(name[0], name[1], i, ts, "row " + i), ts));
                hostile.put(ts, name);
            }
            long bigTs = ts++;
            String big = "5MB-" + "y".repeat(5 << 20);
            items.add(new Item("5 MB row", CanalRecords.insert("app_db", "s6_big", 1, bigTs, big), bigTs));
            Collections.shuffle(items, random);

            List<ProducerRecord<byte[], byte[]>> records = items.stream()
                    .map(it -> new ProducerRecord<byte[], byte[]>(run.topic, random.nextInt(3), null, it.value))
                    .toList();
            List<RecordMetadata> placed = kafka.sendAllAcknowledged(records);
            Map<String, Item> badAt = new HashMap<>();
            Set<Long> valid = new HashSet<>();
            for (int i = 0; i < items.size(); i++) {
                Item it = items.get(i);
                if (it.commitTs == null) {
                    badAt.put(placed.get(i).partition() + "@" + placed.get(i).offset(), it);
                } else {
                    valid.add(it.commitTs);
                }
            }

            RoutesProcess p = run.start();
            long pid = p.pid();
            waitFor("every valid record in the audit table", () -> auditRows() >= valid.size(), p);
            waitForCommittedToEnd(run, p);

            // every bad record, and nothing else, in the DLQ with its origin
            List<ConsumerRecord<byte[], byte[]>> dead = kafka.read(run.dlq, badAt.size(), Duration.ofSeconds(120));
            Map<String, ConsumerRecord<byte[], byte[]>> deadAt = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> d : dead) {
                assertThat(header(d, "cdc.source.topic")).isEqualTo(run.topic);
                assertThat(header(d, "cdc.error.class")).isEqualTo("org.tidbcdc.routes.canal.CanalFormatException");
                assertThat(header(d, "cdc.error.message")).isNotBlank();
                deadAt.put(header(d, "cdc.source.partition") + "@" + header(d, "cdc.source.offset"), d);
            }
            assertThat(deadAt.keySet()).as("origins of the dead letters").isEqualTo(badAt.keySet());
            assertThat(dead).hasSize(badAt.size());
            badAt.forEach((at, it) -> assertThat(deadAt.get(at).value()).as(it.kind + " keeps its value")
                    .isEqualTo(it.value));

            // injected strings verbatim in the audit table and the file sink
            for (List<String> r : db.query("select commit_ts, after_image from cdc_audit.change_event "
                    + "where source_table = 's6_inject'")) {
                assertThat(JSON.readTree(r.get(1)).get("v").asText()).isEqualTo(injected.get(Long.parseLong(r.get(0))));
            }
            Map<Long, JsonNode> fileLines = new HashMap<>();
            FileSinkScan.of(run.sinkDir, line -> {
                long lineTs = Long.parseLong(line.get("commitTs").asText());
                if (injected.containsKey(lineTs) || hostile.containsKey(lineTs) || lineTs == bigTs) {
                    fileLines.put(lineTs, line);
                }
            });
            injected.forEach((t, s) -> assertThat(fileLines.get(t).get("after").get("v").asText()).isEqualTo(s));
            hostile.forEach((t, name) -> {
                assertThat(fileLines.get(t).get("database").asText()).isEqualTo(name[0]);
                assertThat(fileLines.get(t).get("table").asText()).isEqualTo(name[1]);
            });
            assertThat(fileLines.get(bigTs).get("after").get("v").asText()).isEqualTo(big);
            assertThat(db.queryLong("select length(after_image) from cdc_audit.change_event where commit_ts = "
                    + bigTs)).isGreaterThan(5L << 20);

            // hostile names stay inside SINK_DIR, and nothing was written beside it
            Path sinkReal = run.sinkDir.toRealPath();
            try (Stream<Path> walk = Files.walk(run.sinkDir)) {
                assertThat(walk.filter(Files::isRegularFile).map(this::realPath).toList())
                        .allSatisfy(f -> assertThat(f.startsWith(sinkReal)).as(f.toString()).isTrue());
            }
            try (Stream<Path> beside = Files.list(run.sinkDir.getParent())) {
                assertThat(beside.map(f -> f.getFileName().toString()).toList()).containsExactly("sink");
            }
            for (String outside : List.of("/tmp/" + marker, "/tmp/" + marker + "-abs", "/" + marker)) {
                assertThat(Path.of(outside)).doesNotExist();
            }
            try (Stream<Path> tmp = Files.list(Path.of("/tmp"))) {
                assertThat(tmp.map(f -> f.getFileName().toString()).filter(f -> f.contains(marker)).toList())
                        .isEmpty();
            }

            // the log sink has a line for every valid change
            String log = run.logText();
            assertThat(valid.stream().filter(t -> !log.contains("commitTs=" + t)).toList())
                    .as("valid changes without a log line").isEmpty();

            assertThat(p.isAlive()).as("the routes process is still running").isTrue();
            assertThat(p.pid()).isEqualTo(pid);
            assertThat(run.logLines("OutOfMemoryError|StackOverflowError")).isEmpty();
            Outcome o = Outcome.of(run, valid);
            Map<String, Long> kinds = poison.stream()
                    .collect(Collectors.groupingBy(CanalRecords.Poison::kind, TreeMap::new, Collectors.counting()));
            run.report(o, "-", badAt.size() + " bad records " + kinds + " among " + valid.size()
                    + " valid (incl. " + INJECTIONS.size() + " injections, " + hostileNames.size()
                    + " hostile names, one 5 MB row)");
            o.assertComplete();
            assertThat(o.dlq).isEqualTo(badAt.size());
        }
    }

    record Item(String kind, byte[] value, Long commitTs) {
    }

    Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        var h = r.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 7. Graceful stop

    @Test
    @Order(7)
    @DisplayName("7 graceful stop: SIGTERM mid-stream; in-flight work finishes and is committed, exit within the "
            + "shutdown timeout, nothing replayed after a restart")
    void gracefulStop() throws Exception {
        int n = SCALE.stopEvents();
        int timeout = 30;
        try (Run run = new Run("7 graceful stop", "s7")) {
            run.env.put("SHUTDOWN_TIMEOUT_SECONDS", String.valueOf(timeout));
            sendInserts(run, "s7", 0, n);
            RoutesProcess p = run.start();
            waitFor("mid-stream", () -> auditRows() >= n / 3, p);
            long term = System.nanoTime();
            boolean exited = p.terminate(Duration.ofSeconds(timeout + 30));
            long took = System.nanoTime() - term;
            assertThat(exited).as("exited after SIGTERM").isTrue();
            assertThat(Duration.ofNanos(took)).as("time to exit").isLessThanOrEqualTo(Duration.ofSeconds(timeout));

            // what was written is exactly what was committed
            Map<TopicPartition, OffsetAndMetadata> committed = kafka.committedOffsets(run.group);
            long atStop = auditRows();
            for (List<String> r : db.query("select kafka_partition, count(*), max(kafka_offset) "
                    + "from cdc_audit.change_event group by kafka_partition")) {
                OffsetAndMetadata c = committed.get(new TopicPartition(run.topic, Integer.parseInt(r.get(0))));
                long next = c == null ? 0 : c.offset();
                assertThat(Long.parseLong(r.get(1))).as("rows of partition " + r.get(0)).isEqualTo(next);
                assertThat(Long.parseLong(r.get(2))).as("last offset written on partition " + r.get(0))
                        .isEqualTo(next - 1);
            }
            FileSinkScan afterStop = FileSinkScan.of(run.sinkDir);
            assertThat(afterStop.lines()).as("file lines after the stop").isEqualTo(atStop);

            RoutesProcess second = run.start();
            long restarted = System.nanoTime();
            waitFor("progress after restart", () -> auditRows() > atStop, second);
            String recovery = seconds(System.nanoTime() - restarted);
            waitFor("every event in the audit table", () -> auditRows() >= n, second);
            waitForCommittedToEnd(run, second);
            Outcome o = Outcome.of(run, range(0, n));
            run.report(o, recovery + " (restart to first new row)", "exit " + seconds(took) + " after SIGTERM "
                    + "(timeout " + timeout + " s), " + atStop + " written = committed at stop");
            o.assertComplete();
            assertThat(o.fileDuplicates).as("file lines written twice after the restart").isZero();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 8. Backpressure

    @Test
    @Order(8)
    @DisplayName("8 backpressure: a producer faster than the database, then a burst of 1 MiB rows; heap and RSS stay "
            + "bounded, no OutOfMemoryError")
    void backpressure() throws Exception {
        int n = SCALE.pressureEvents();
        int big = SCALE.bigRows();
        long total = n + big;
        long heapLimit = 256L << 20;
        long rssLimit = 512L << 20;
        try (Run run = new Run("8 backpressure", "s8")) {
            RoutesProcess p = run.start();
            waitFor("ready", () -> p.status(READY) == 200, p);
            AtomicLong peakHeap = new AtomicLong(-1);
            AtomicLong peakLag = new AtomicLong();
            AtomicLong sent = new AtomicLong();
            ScheduledExecutorService monitor = Executors.newSingleThreadScheduledExecutor();
            monitor.scheduleWithFixedDelay(() -> {
                peakHeap.accumulateAndGet(p.heapUsedBytes(), Math::max);
                peakLag.accumulateAndGet(sent.get() - auditRows(), Math::max);
            }, 0, 1, TimeUnit.SECONDS);
            long start = System.nanoTime();
            // mostly small rows, some of 16 KiB and 256 KiB; then rows of TiCDC's max-message-bytes (1 MiB) in a row
            Random random = new Random(SEED);
            for (long from = 0; from < total; from += 5_000) {
                List<ProducerRecord<byte[], byte[]>> chunk = new ArrayList<>();
                for (long id = from; id < Math.min(total, from + 5_000); id++) {
                    int r = random.nextInt(1000);
                    int size = id >= n ? (1 << 20) - 400 : r < 5 ? 256 * 1024 : r < 20 ? 16 * 1024 : 200;
                    chunk.add(record(run, id, CanalRecords.insert("app_db", "s8", id, CanalRecords.BASE_TS + id,
                            "row " + id + " " + "z".repeat(size))));
                }
                kafka.sendAllAcknowledged(chunk);
                sent.addAndGet(chunk.size());
            }
            long produced = System.nanoTime() - start;
            waitFor("every event in the audit table", () -> auditRows() >= total, p);
            long consumed = System.nanoTime() - start;
            monitor.shutdown();
            monitor.awaitTermination(30, TimeUnit.SECONDS);
            waitForCommittedToEnd(run, p);
            long peakRss = p.peakRssBytes();
            Outcome o = Outcome.of(run, range(0, total));
            run.report(o, "drained " + seconds(consumed - produced) + " after the producer stopped",
                    String.format("%,d rows then %,d rows of 1 MiB; %s: peak heap %s, peak RSS %s; produced %,d/s, "
                            + "consumed %,d/s, peak backlog %,d events", n, big, String.join(" ", run.jvm),
                            mib(peakHeap.get()), mib(peakRss), rate(total, produced), rate(total, consumed),
                            peakLag.get()));
            assertThat(p.isAlive()).isTrue();
            assertThat(run.logLines("OutOfMemoryError")).isEmpty();
            assertThat(peakLag.get()).as("backlog: the producer outran the pipeline").isGreaterThan(n / 4);
            assertThat(peakHeap.get()).as("peak heap").isLessThanOrEqualTo(heapLimit);
            assertThat(peakRss).as("peak RSS").isLessThan(rssLimit);
            o.assertComplete();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 9. A database that stalls in the middle of a write

    @Test
    @Order(9)
    @DisplayName("9 database stalls mid-write: a batch's INSERT of several MB stops being read part-way through, so "
            + "the routes' write blocks; the statement deadline ends it at the socket timeout and the batch is "
            + "retried on a new connection while the stall lasts; 0 missing, 0 duplicates, never leaves the group")
    void databaseStallsMidWrite() throws Exception {
        int n = SCALE.stallEvents();
        try (Run run = new Run("9 database stalls mid-write", "s9");
                StallingProxy proxy = StallingProxy.start(db.port())) {
            run.env.putAll(SCALE.outageEnv());
            run.env.put("AUDIT_JDBC_URL", proxy.jdbcUrl("cdc_audit"));
            // one INSERT per batch, of up to 500 rows of 32 KiB (16 MB): more than the proxy's large packet (the
            // most a socket buffers, 4 MiB by default, plus 2 MiB) once the routes lag behind the producer
            run.env.put("CDC_FETCH_MAX_BYTES", String.valueOf(16 << 20));
            run.env.put("AUDIT_MAX_BATCH_BYTES", String.valueOf(32 << 20));
            RoutesProcess p = run.start();
            waitFor("ready", () -> p.status(READY) == 200, p);
            sendInserts(run, "s9", 0, 100);
            waitFor("the first rows, through the proxy", () -> auditRows() >= 100, p);

            proxy.stallNextLargePacket();
            GroupWatch watch = new GroupWatch(run);
            List<ProducerRecord<byte[], byte[]>> big = new ArrayList<>();
            for (long id = 100; id < 100 + n; id++) {
                big.add(record(run, id, CanalRecords.insert("app_db", "s9", id, CanalRecords.BASE_TS + id,
                        "row " + id + " " + "w".repeat(32 * 1024))));
            }
            kafka.sendAllAcknowledged(big);
            assertThat(proxy.awaitStalled(SCALE.maxWait())).as("an INSERT of at least " + proxy.largePacket()
                    + " bytes stalled part-way").isTrue();
            long stalled = System.nanoTime();
            waitFor("every event in the audit table while the stalled connection stays stalled",
                    () -> auditRows() >= 100 + n, p);
            String recovery = seconds(System.nanoTime() - stalled);
            assertThat(proxy.isStalling()).as("the stall is still in place").isTrue();
            waitForCommittedToEnd(run, p);
            watch.stop();
            proxy.release();

            watch.assertStayedInGroup();
            List<String> deadlines = run.logLines(DEADLINE);
            assertThat(deadlines).as("statements ended by the audit statement deadline").isNotEmpty();
            Outcome o = Outcome.of(run, range(0, 100 + n));
            run.report(o, recovery + " (stall to every event in)", String.format("%,d rows of 32 KiB; an INSERT of "
                    + "%,d bytes or more stalled; %d statements ended by the deadline; %d group samples all STABLE with "
                    + "one member id; AUDIT_SOCKET_TIMEOUT_MS %s", n, proxy.largePacket(), deadlines.size(),
                    watch.samples,
                    SCALE.outageEnv().getOrDefault("AUDIT_SOCKET_TIMEOUT_MS", "30000")));
            assertThat(o.fileDuplicates).as("file lines written twice").isZero();
            assertThat(run.logLines(EVICTION)).as("log lines of an eviction or rebalance").isEmpty();
            o.assertComplete();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // 10. Broker hang

    @Test
    @Order(10)
    @DisplayName("10 broker hang: Kafka hung (SIGSTOP) while batches are committed, for longer than the session "
            + "timeout and every commit attempt; 0 missing, 0 duplicates in the audit table, the file sink and the "
            + "log, and the consumer goes on by itself")
    void brokerHang() throws Exception {
        int n = SCALE.brokerEvents();
        try (Run run = new Run("10 broker hang", "s10")) {
            run.env.putAll(SCALE.brokerHangEnv());
            RoutesProcess p = run.start();
            long pid = p.pid();
            waitFor("ready", () -> p.status(READY) == 200, p);
            long quarter = n / 4;
            sendInserts(run, "s10", 0, quarter);
            waitFor("mid-stream", () -> auditRows() >= quarter, p);
            // a steady trickle, so that a batch is being committed when the broker hangs
            CompletableFuture<Void> trickle = CompletableFuture.runAsync(() -> trickleInserts(run, "s10", quarter,
                    n / 2));
            waitFor("the trickle being written", () -> auditRows() > quarter, p);
            kafka.freeze();
            long down = System.nanoTime();
            try {
                sleepUntil(down + SCALE.brokerHang().toNanos());
            } finally {
                kafka.thaw();
            }
            long up = System.nanoTime();
            trickle.get(SCALE.maxWait().toMillis(), TimeUnit.MILLISECONDS);
            sendInserts(run, "s10", n / 2, n);
            waitFor("every event in the audit table", () -> auditRows() >= n, p);
            String recovery = seconds(System.nanoTime() - up);
            waitForCommittedToEnd(run, p);
            waitFor("ready again", () -> p.status(READY) == 200, p);
            Outcome o = Outcome.of(run, range(0, n));
            List<String> changeLines = run.logLines(" change - INSERT app_db.s10 ");
            long loggedTwice = changeLines.size() - changeLines.stream().map(l -> l.replaceFirst("^.* change - ", ""))
                    .distinct().count();
            run.report(o, recovery + " (broker thawed to every event in)", "broker hung "
                    + SCALE.brokerHang().toSeconds() + " s; " + run.logLines("Batch not delivered").size()
                    + " batches rewound; " + run.logLines("every sink holds them already").size() + " returns kept from the sinks; "
                    + loggedTwice + " changes logged twice; " + SCALE.brokerHangEnv() + "; same process (pid " + pid
                    + ")");
            assertThat(p.pid()).as("no restart").isEqualTo(pid);
            assertThat(o.fileDuplicates).as("file lines written twice").isZero();
            assertThat(loggedTwice).as("changes logged twice").isZero();
            o.assertComplete();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the harness

    /** One scenario's topic, group, sink folder and routes process(es). */
    final class Run implements AutoCloseable {
        final String name;
        final String topic;
        final String group;
        final String instance;
        final String dlq;
        final Path dir;
        final Path sinkDir;
        final Map<String, String> env = new LinkedHashMap<>();
        final List<Path> logs = new ArrayList<>();
        List<String> jvm = IMAGE_JVM;
        List<String> launcher = List.of();
        RoutesProcess current;
        final long started = System.nanoTime();

        Run(String name, String key) throws IOException {
            this.name = name;
            this.topic = "rel-" + key + "-" + UUID.randomUUID().toString().substring(0, 8);
            this.group = "g-" + topic;
            this.instance = "i-" + topic;
            this.dlq = topic + "-dlq";
            this.dir = WORK.resolve(key);
            // the sink folder's parent holds nothing else, so a file written beside it shows
            this.sinkDir = Files.createDirectories(dir.resolve("jail").resolve("sink")).toAbsolutePath();
            kafka.createTopic(topic, 3);
            db.executeScript("truncate table cdc_audit.change_event;");
            System.out.printf("%n=== %s (topic %s)%n", name, topic);
        }

        RoutesProcess start() {
            if (current != null && current.isAlive()) {
                throw new IllegalStateException("one routes process at a time");
            }
            Map<String, String> e = RoutesProcess.pipelineEnv(kafka.bootstrapServers(), db, topic, dlq, group, instance, sinkDir);
            e.put("LOG_LEVEL", "INFO");
            e.putAll(env);
            Path log = dir.resolve("routes-" + (logs.size() + 1) + ".log");
            logs.add(log);
            current = RoutesProcess.start(launcher, e, jvm, log);
            return current;
        }

        /** Lines of every log of this scenario that match a regular expression. */
        List<String> logLines(String regex) {
            Pattern pattern = Pattern.compile(regex);
            return logText().lines().filter(l -> pattern.matcher(l).find()).toList();
        }

        String logText() {
            StringBuilder b = new StringBuilder();
            for (Path log : logs) {
                try {
                    b.append(Files.readString(log, StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return b.toString();
        }

        void report(Outcome o, String recovery, String notes) {
            Row row = new Row(name, o.sent, o.auditRows, o.auditRows - o.auditDistinct, o.fileDuplicates,
                    o.lostAudit, o.lostFile, o.dlq, recovery, notes + "; took " + seconds(System.nanoTime() - started));
            REPORT.add(row);
            System.out.println(row);
        }

        @Override
        public void close() {
            if (current != null && current.isAlive() && !current.terminate(Duration.ofSeconds(60))) {
                current.kill();
            }
        }
    }

    /** The sent set against the audit table, the file sink and the DLQ. */
    static final class Outcome {
        long sent;
        long auditRows;
        long auditDistinct;
        long lostAudit;
        long unexpectedAudit;
        long fileLines;
        long fileDuplicates;
        long fileConflicts;
        long fileTorn;
        long lostFile;
        long dlq;

        static Outcome of(Run run, Set<Long> sentCommitTs) {
            Outcome o = new Outcome();
            o.sent = sentCommitTs.size();
            o.auditRows = db.queryLong("select count(*) from cdc_audit.change_event");
            o.auditDistinct = db.queryLong("select count(distinct event_key) from cdc_audit.change_event");
            Set<Long> audited = db.query("select commit_ts from cdc_audit.change_event").stream()
                    .map(r -> Long.parseLong(r.get(0))).collect(Collectors.toSet());
            o.lostAudit = sentCommitTs.stream().filter(t -> !audited.contains(t)).count();
            o.unexpectedAudit = audited.stream().filter(t -> !sentCommitTs.contains(t)).count();
            FileSinkScan files = FileSinkScan.of(run.sinkDir);
            o.fileLines = files.lines();
            o.fileDuplicates = files.duplicateLines();
            o.fileConflicts = files.conflicts();
            o.fileTorn = files.torn();
            o.lostFile = sentCommitTs.stream().filter(t -> !files.commitTs().contains(String.valueOf(t))).count();
            o.dlq = kafka.endOffsets(run.dlq).values().stream().mapToLong(Long::longValue).sum();
            return o;
        }

        /** 0 missing from either sink, nothing unexpected, audit rows = distinct events, no torn line. */
        void assertComplete() {
            assertThat(lostAudit).as("events missing from the audit table").isZero();
            assertThat(lostFile).as("events missing from the file sink").isZero();
            assertThat(unexpectedAudit).as("audit rows of events never sent").isZero();
            assertThat(auditRows).as("audit rows").isEqualTo(sent);
            assertThat(auditDistinct).as("distinct audit event keys").isEqualTo(sent);
            assertThat(fileTorn).as("torn lines in the file sink").isZero();
        }
    }

    static Set<Long> range(long from, long to) {
        return LongStream.range(from, to).map(id -> CanalRecords.BASE_TS + id).boxed().collect(Collectors.toSet());
    }

    /** An INSERT of {@code table} row {@code id} with commitTs BASE_TS + id, on partition id % 3. */
    static ProducerRecord<byte[], byte[]> insertRecord(Run run, String table, long id) {
        return record(run, id, CanalRecords.insert("app_db", table, id, CanalRecords.BASE_TS + id, "row " + id));
    }

    static ProducerRecord<byte[], byte[]> record(Run run, long id, byte[] value) {
        return new ProducerRecord<>(run.topic, (int) (id % 3), null, value);
    }

    static void sendInserts(Run run, String table, long from, long to) {
        for (long chunk = from; chunk < to; chunk += 10_000) {
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            for (long id = chunk; id < Math.min(to, chunk + 10_000); id++) {
                records.add(insertRecord(run, table, id));
            }
            kafka.sendAllAcknowledged(records);
        }
    }

    /** Inserts at about 1,000 records/s: a load with a pace, not a wait for a condition. */
    static void trickleInserts(Run run, String table, long from, long to) {
        for (long chunk = from; chunk < to; chunk += 50) {
            sendInserts(run, table, chunk, Math.min(to, chunk + 50));
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static long auditRows() {
        return db.queryLong("select count(*) from cdc_audit.change_event");
    }

    /** The sum of the group's committed offsets on the topic. */
    static long committedTotal(Run run) {
        return kafka.committedOffsets(run.group).entrySet().stream().filter(e -> e.getKey().topic().equals(run.topic))
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    /** Waits until the group has committed every record of the topic: the pipeline is idle and caught up. */
    static void waitForCommittedToEnd(Run run, RoutesProcess p) {
        Map<Integer, Long> end = kafka.endOffsets(run.topic);
        waitFor("committed offsets reach " + end, () -> {
            Map<TopicPartition, OffsetAndMetadata> c = kafka.committedOffsets(run.group);
            return end.entrySet().stream().allMatch(e -> {
                OffsetAndMetadata o = c.get(new TopicPartition(run.topic, e.getKey()));
                return e.getValue() == 0 || (o != null && o.offset() >= e.getValue());
            });
        }, p);
    }

    /** Awaits a condition, failing at once if the routes process died. */
    static void waitFor(String what, Callable<Boolean> condition, RoutesProcess p) {
        await(what).atMost(SCALE.maxWait()).pollInterval(Duration.ofMillis(250))
                .failFast("the routes process exited (see " + p.log() + ")", () -> !p.isAlive())
                .until(condition);
    }

    /** The fault's deliberate duration: the one place this suite waits for time rather than for a condition. */
    static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    static String seconds(long nanos) {
        return String.format("%.1f s", nanos / 1e9);
    }

    static String max(List<String> secondsList) {
        return secondsList.stream().max(Comparator.comparingDouble(s -> Double.parseDouble(s.replace(" s", ""))))
                .orElse("-");
    }

    static String mib(long bytes) {
        return bytes < 0 ? "n/a" : String.format("%d MiB", bytes >> 20);
    }

    static long rate(long events, long nanos) {
        return (long) (events / (nanos / 1e9));
    }

    static String reportMarkdown() {
        StringBuilder b = new StringBuilder();
        b.append("## Reliability suite: ").append(SCALE.name()).append(" run\n\n");
        b.append(String.format("%s, %d cores, %d GiB RAM, Java %s; seed %d; %s in total%n%n",
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                Runtime.getRuntime().availableProcessors(), totalMemoryGib(), System.getProperty("java.version"),
                SEED, seconds(System.nanoTime() - SUITE_START)));
        b.append("| scenario | events sent | audit rows | duplicate audit rows | duplicate file lines (same eventKey) "
                + "| lost (audit / file) | DLQ | time to recover |\n");
        b.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
        List<Row> rows = new ArrayList<>(REPORT);
        for (Row r : rows) {
            b.append(String.format("| %s | %,d | %,d | %d | %,d | %d / %d | %,d | %s |%n", r.scenario(), r.sent(),
                    r.auditRows(), r.auditDuplicates(), r.fileDuplicates(), r.lostAudit(), r.lostFile(), r.dlq(),
                    r.recovery()));
        }
        b.append('\n');
        for (Row r : rows) {
            b.append("- ").append(r.scenario()).append(": ").append(r.notes()).append('\n');
        }
        return b.toString();
    }

    static long totalMemoryGib() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() >> 30 : -1;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
