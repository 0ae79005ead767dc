package org.tidbcdc.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.tidbcdc.routes.consume.DeliveryState;
import org.tidbcdc.routes.consume.OffsetCursor;
import org.tidbcdc.routes.testsupport.CanalRecords;
import org.tidbcdc.routes.testsupport.FileSinkScan;
import org.tidbcdc.routes.testsupport.KafkaBroker;
import org.tidbcdc.routes.testsupport.LogCapture;
import org.tidbcdc.routes.testsupport.Management;
import org.tidbcdc.routes.testsupport.MariaDbServer;
import org.tidbcdc.routes.testsupport.PipelineParts;
import org.tidbcdc.routes.testsupport.RoutesApp;
import org.tidbcdc.routes.testsupport.RoutesProcess;

/**
 * Sinks are routes: SINKS names the routes cdc-sink-N that a batch goes through, in order, on real Kafka and MariaDB.
 * A custom sink gets the delivery guarantee of the built-in ones whatever its route does to the exchange.
 */
class SinkRoutesIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final PipelineParts PARTS = new PipelineParts("", "truncate table cdc_audit.change_event;");

    @TempDir
    Path dir;
    KafkaBroker kafka;
    MariaDbServer db;
    String topic;
    Path routes;
    Path sinkDir;
    Path out;

    @BeforeEach
    void fresh() throws IOException {
        kafka = PARTS.kafka();
        db = PARTS.db();
        topic = PARTS.newTopic("sinks");
        sinkDir = dir.resolve("sink");
        out = Files.createDirectories(dir.resolve("out"));
        // the shipped routes of the data plane, in a ROUTES_DIR of the test's own
        routes = Files.createDirectories(dir.resolve("routes"));
        try (Stream<Path> shipped = Files.list(Path.of("routes"))) {
            for (Path f : shipped.filter(p -> p.getFileName().toString().startsWith("cdc-")).toList()) {
                if (!f.getFileName().toString().equals("cdc-heartbeat.camel.yaml")) {
                    Files.copy(f, routes.resolve(f.getFileName()));
                }
            }
        }
    }

    @AfterEach
    void clearSwitches() {
        System.clearProperty("sinkit.fail");
    }

    Map<String, String> settings(String sinks) {
        Map<String, String> s = PARTS.settings(topic, sinkDir);
        s.put("cdc.routes-dir", routes.toString());
        s.put("camel.main.routes-include-pattern", "file:" + routes + "/*.camel.yaml");
        s.put("cdc.sinks", sinks);
        s.put("sinkit.out", out.toString());
        return s;
    }

    void route(String file, String yaml) throws IOException {
        Files.writeString(routes.resolve(file), yaml);
    }

    /** A custom sink that appends each change's event key to out/N.keys; it throws first while sinkit.fail is true. */
    static String keysSink(String name, String errorHandler, String before) {
        return """
                - route:
                    id: cdc-sink-%1$s
                    description: test sink that appends each change's event key to a file
                %2$s
                    from:
                      uri: direct:cdc-sink-%1$s
                      steps:
                        - setProperty:
                            description: a local file append
                            name: cdcSinkMaxAttempt
                            constant: 5s
                %3$s
                        - choice:
                            when:
                              - simple: "${sys.sinkit.fail} == 'true'"
                                steps:
                                  - throwException:
                                      exceptionType: java.lang.IllegalStateException
                                      message: destination down
                        - split:
                            simple: ${body}
                            stopOnException: "true"
                            steps:
                              - setBody:
                                  simple: ${header.cdcEventKey}
                              - to:
                                  uri: file:{{sinkit.out}}
                                  parameters:
                                    fileName: %1$s.keys
                                    fileExist: Append
                                    appendChars: "\\\\n"
                """.formatted(name, errorHandler, before);
    }

    void sendRows(String table, int from, int to) {
        for (int i = from; i < to; i++) {
            kafka.send(topic, i % 3, null, CanalRecords.insert("app_db", table, i, CanalRecords.BASE_TS + i, "v" + i));
        }
    }

    List<String> lines(Path file) throws IOException {
        return Files.isRegularFile(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    long auditRows() {
        return db.queryLong("select count(*) from cdc_audit.change_event");
    }

    long committed() {
        long sum = 0;
        for (int p = 0; p < 3; p++) {
            sum += Math.max(0, kafka.committedOffset("g-" + topic, topic, p));
        }
        return sum;
    }

    @Test
    void aSinkWithCamelsDefaultErrorHandlerThatThrowsLosesNoBatchAndTheSinksBeforeItGetNothingTwice()
            throws Exception {
        // no errorHandler: Camel's default one, which marks a failure it gave up on as handled
        route("cdc-sink-flaky.camel.yaml", keysSink("flaky", "", ""));
        System.setProperty("sinkit.fail", "true");
        int total = 40;
        try (LogCapture rewinds = LogCapture.of(OffsetCursor.class.getName());
                RoutesApp app = RoutesApp.start(settings("audit,file,flaky,log"))) {
            // two re-polls of different sizes: the second brings the first's records and more
            sendRows("users", 0, 20);
            await().atMost(WAIT).until(() -> rewinds.count("polling it again") >= 1);
            sendRows("users", 20, total);
            long before = rewinds.count("polling it again");
            await().atMost(WAIT).until(() -> rewinds.count("polling it again") > before
                    && FileSinkScan.of(sinkDir).lines() == total);
            DeliveryState delivery = app.context().getRegistry().lookupByNameAndType("deliveryState",
                    DeliveryState.class);
            // a poll that brings only records queued before the rewind commits nothing and clears the stall for a moment
            await().atMost(WAIT).until(() -> String.valueOf(delivery.stalledBecause()).contains("cdc-sink-flaky")
                    && delivery.stalledBecause().contains("destination down"));
            await().atMost(WAIT).until(() -> new Management(app).ready().check("cdc-delivery").path("message")
                    .asText().contains("cdc-sink-flaky"));
            assertThat(committed()).isZero();

            System.clearProperty("sinkit.fail");
            await().atMost(WAIT).until(() -> committed() == total);
            assertThat(lines(out.resolve("flaky.keys"))).hasSize(total).doesNotHaveDuplicates();
            FileSinkScan scan = FileSinkScan.of(sinkDir);
            assertThat(scan.lines()).isEqualTo(total);
            assertThat(scan.duplicateLines()).isZero();
            assertThat(auditRows()).isEqualTo(total);
            assertThat(db.queryLong("select count(distinct event_key) from cdc_audit.change_event")).isEqualTo(total);
            assertThat(new Management(app).value("cdc_sink_write_seconds_count", Map.of("sink", "flaky")))
                    .isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void aDatabaseOutageAcrossTwoRePollsOfDifferentSizesLeavesEveryChangeOnceInTheAuditTableAndTheFileSink() {
        Map<String, String> s = settings("audit,file,log");
        s.put("cdc.retry.max-redeliveries", "1");
        s.put("cdc.retry.delay-ms", "50");
        s.put("cdc.retry.max-delay-ms", "100");
        s.put("cdc.audit.socket-timeout-ms", "2000");
        int first = 20;
        int total = 50;
        try (LogCapture rewinds = LogCapture.of(OffsetCursor.class.getName());
                RoutesApp app = RoutesApp.start(s)) {
            db.stop();
            try {
                // the first set on partitions 0 and 1 only: its re-polls seek those two back
                for (int i = 0; i < first; i++) {
                    kafka.send(topic, i % 2, null, CanalRecords.insert("app_db", "users", i,
                            CanalRecords.BASE_TS + i, "v" + i));
                }
                await().atMost(WAIT).until(() -> rewinds.count("polling it again") >= 1);
                await().atMost(WAIT).until(() -> new Management(app).ready().check("cdc-delivery").path("message")
                        .asText().contains("cdc-sink-audit"));
                assertThat(rewinds.lines()).noneMatch(l -> l.contains(topic + "-2="));
                // more while the database is down, on all three partitions: a re-poll that seeks partition 2 back
                // holds records of the second set, so it is larger than any re-poll of the first set alone
                sendRows("users", first, total);
                await().atMost(WAIT).until(() -> rewinds.lines().stream()
                        .filter(l -> l.contains("polling it again") && l.contains(topic + "-2=")).count() >= 1);
                assertThat(committed()).isZero();
                assertThat(FileSinkScan.of(sinkDir).lines()).as("the file sink after the failing audit sink")
                        .isZero();
            } finally {
                db.startAgain();
            }
            await().atMost(WAIT).until(() -> auditRows() == total);
            await().atMost(WAIT).until(() -> committed() == total);
            assertThat(db.queryLong("select count(distinct event_key) from cdc_audit.change_event")).isEqualTo(total);
            FileSinkScan scan = FileSinkScan.of(sinkDir);
            assertThat(scan.lines()).isEqualTo(total);
            assertThat(scan.distinctKeys()).isEqualTo(total);
            assertThat(scan.duplicateLines()).isZero();
            assertThat(scan.torn()).isZero();
        }
    }

    @Test
    void aSinkThatEmptiesTheHeadersAndReplacesTheBodyChangesNothingForTheNextSinkOrTheRetry() throws Exception {
        // CAMEL-23469: a sub-route that removes every header and then fails was redelivered for ever
        route("cdc-sink-meddler.camel.yaml", """
                - route:
                    id: cdc-sink-meddler
                    description: test sink that empties the headers and properties, replaces the body, then may fail
                    errorHandler:
                      noErrorHandler: {}
                    from:
                      uri: direct:cdc-sink-meddler
                      steps:
                        - setProperty:
                            description: a local file append
                            name: cdcSinkMaxAttempt
                            constant: 5s
                        - split:
                            simple: ${body}
                            stopOnException: "true"
                            steps:
                              - setBody:
                                  simple: ${header.cdcEventKey}
                              - to:
                                  uri: file:{{sinkit.out}}
                                  parameters:
                                    fileName: meddler.keys
                                    fileExist: Append
                                    appendChars: "\\\\n"
                        # sinks never commit: the batch's manual commit is gone before the first sink
                        - filter:
                            simple: ${header.CamelKafkaManualCommit} != null
                            steps:
                              - throwException:
                                  exceptionType: java.lang.IllegalStateException
                                  message: a sink got CamelKafkaManualCommit
                        - removeHeaders:
                            pattern: "*"
                        - removeProperties:
                            pattern: "*"
                        - setHeader:
                            name: CamelKafkaManualCommit
                            constant: meddled
                        - setBody:
                            constant: meddled
                        - choice:
                            when:
                              - simple: "${sys.sinkit.fail} == 'true'"
                                steps:
                                  - throwException:
                                      exceptionType: java.lang.IllegalStateException
                                      message: destination down
                """);
        System.setProperty("sinkit.fail", "true");
        int total = 30;
        try (LogCapture rewinds = LogCapture.of(OffsetCursor.class.getName());
                RoutesApp app = RoutesApp.start(settings("meddler,audit,file,log"))) {
            sendRows("users", 0, total);
            // bounded: two redeliveries, then a rewind, and again
            await().atMost(WAIT).until(() -> rewinds.count("polling it again") >= 2);
            System.clearProperty("sinkit.fail");
            await().atMost(WAIT).until(() -> committed() == total);
            FileSinkScan scan = FileSinkScan.of(sinkDir);
            assertThat(scan.lines()).isEqualTo(total);
            assertThat(scan.duplicateLines()).isZero();
            assertThat(auditRows()).isEqualTo(total);
            // it wrote each change before it failed, on every attempt: each key at least once
            assertThat(lines(out.resolve("meddler.keys"))).hasSizeGreaterThan(total);
            assertThat(lines(out.resolve("meddler.keys")).stream().distinct().count()).isEqualTo(total);
        }
    }

    @Test
    void brokenEditsOfASinkRouteLeaveTheRunningRouteInPlaceWhileBatchesFlow() throws Exception {
        String noErrorHandler = "    errorHandler:\n      noErrorHandler: {}";
        String good = keysSink("keys", noErrorHandler, "");
        route("cdc-sink-keys.camel.yaml", good);
        Map<String, String> s = settings("audit,keys,file,log");
        s.put("camel.main.routes-reload-enabled", "true");
        try (LogCapture reloads = LogCapture.of("org.tidbcdc.routes.consume.CheckedRouteReload");
                RoutesApp app = RoutesApp.start(s)) {
            sendRows("users", 0, 20);
            await().atMost(WAIT).until(() -> committed() == 20);
            List<String> broken = List.of(
                    "- route:\n    id: cdc-sink-keys\n  from: [\n",
                    good.replace("uri: file:{{sinkit.out}}", "uri: nosuchcomponent:x"),
                    good.replace("- split:", "- bean:\n            ref: noSuchBean\n        - split:"));
            int sent = 20;
            List<String> why = List.of("Error pre-parsing", "No endpoint could be found for: nosuchcomponent",
                    "no bean named noSuchBean");
            for (int i = 0; i < broken.size(); i++) {
                String reason = why.get(i);
                route("cdc-sink-keys.camel.yaml", broken.get(i));
                await().atMost(WAIT).until(() -> reloads.count(reason) > 0);
                sendRows("users", sent, sent + 20);
                sent += 20;
                int expected = sent;
                await().atMost(WAIT).until(() -> committed() == expected);
            }
            route("cdc-sink-keys.camel.yaml", good.replace("test sink that", "edited test sink that"));
            await().atMost(WAIT).until(() -> app.context().getRoute("cdc-sink-keys") != null
                    && app.context().getRoute("cdc-sink-keys").getDescription().startsWith("edited"));
            sendRows("users", sent, sent + 20);
            int total = sent + 20;
            await().atMost(WAIT).until(() -> committed() == total);
            List<String> keys = lines(out.resolve("keys.keys"));
            assertThat(keys).hasSize(total).doesNotHaveDuplicates();
            assertThat(FileSinkScan.of(sinkDir).lines()).isEqualTo(total);
        }
    }

    @Test
    void aFilterOnlyEditOfTheAuditSinkAuditsOnlyAppDbUsers() throws Exception {
        String audit = Files.readString(routes.resolve("cdc-sink-audit.camel.yaml"));
        route("cdc-sink-audit.camel.yaml", audit.replace("        - split:\n", """
                        - setBody:
                            simple: "${body.only('app_db.users')}"
                        - split:
                """));
        try (RoutesApp app = RoutesApp.start(settings("audit,file,log"))) {
            sendRows("users", 0, 10);
            sendRows("orders", 10, 25);
            await().atMost(WAIT).until(() -> committed() == 25);
            assertThat(FileSinkScan.of(sinkDir).lines()).isEqualTo(25);
            assertThat(auditRows()).isEqualTo(10);
            assertThat(db.queryLong("select count(*) from cdc_audit.change_event where source_table <> 'users'"))
                    .isZero();
        }
    }

    @Test
    void sinksThatCannotBeCalledSafelyStopStartupNamingThem() throws Exception {
        assertThatThrownBy(() -> RoutesApp.start(settings("audit,file,audit")))
                .hasStackTraceContaining("SINKS: sink 'audit' is listed twice in 'audit,file,audit'");
        assertThatThrownBy(() -> RoutesApp.start(settings("audit,nope,file")))
                .hasStackTraceContaining("SINKS: sink 'nope' has no route: no route with id cdc-sink-nope");

        route("cdc-sink-dlc.camel.yaml", keysSink("dlc", """
                    errorHandler:
                      deadLetterChannel:
                        deadLetterUri: log:dead
                """, ""));
        assertThatThrownBy(() -> RoutesApp.start(settings("audit,dlc")))
                .hasStackTraceContaining("Sink route cdc-sink-dlc has a dead-letter channel");
        Files.delete(routes.resolve("cdc-sink-dlc.camel.yaml"));

        route("cdc-sink-unbounded.camel.yaml", keysSink("unbounded", "", "")
                .replace("name: cdcSinkMaxAttempt", "name: somethingElse"));
        assertThatThrownBy(() -> RoutesApp.start(settings("audit,unbounded")))
                .hasStackTraceContaining("Sink route cdc-sink-unbounded declares no longest attempt");

        route("cdc-sink-slow.camel.yaml", keysSink("slow", "", "").replace("constant: 5s", "constant: 2m"));
        assertThatThrownBy(() -> RoutesApp.start(settings("audit,slow")))
                .hasStackTraceContaining("CDC_MAX_POLL_INTERVAL_MS (300000) is shorter than one retry cycle of sink"
                        + " route cdc-sink-slow");
    }

    @Test
    void aShippedRouteFileOfAnotherFormatStopsStartupNamingTheFileAndTheUpgradeNote() throws Exception {
        Path consume = routes.resolve("cdc-consume.camel.yaml");
        Files.writeString(consume, Files.readString(consume).replace("# cdc-routes-format: " + RouteFormat.CURRENT,
                "# cdc-routes-format: 1"));
        assertThatThrownBy(() -> RoutesApp.start(settings("audit,file,log")))
                .hasStackTraceContaining("ROUTES_DIR: " + consume + " is a shipped route file of format 1")
                .hasStackTraceContaining("docs/upgrading.md");
    }

    /** The custom sink of docs/extending.md, as printed there. */
    static String docsSink() throws IOException {
        String doc = Files.readString(Path.of("docs/extending.md"));
        Matcher m = Pattern.compile("Save it as `ROUTES_DIR/cdc-sink-users-file.camel.yaml`:\\n\\n *```yaml\\n(.*?) *```",
                Pattern.DOTALL).matcher(doc);
        assertThat(m.find()).as("the custom sink in docs/extending.md").isTrue();
        return m.group(1).lines().map(l -> l.length() >= 3 ? l.substring(3) : l.strip())
                .reduce("", (a, b) -> a + b + "\n");
    }

    @Test
    void theCustomSinkOfTheDocsWritesTheFileSinksLinesByteForByteUnderAnAsciiDefaultCharsetAndFinishesItsBatchOnSigterm()
            throws Exception {
        route("cdc-sink-users-file.camel.yaml", docsSink());
        // a sink that takes a while with each change of app_db.slow, and says when it started one
        route("cdc-sink-slow.camel.yaml", """
                - route:
                    id: cdc-sink-slow
                    description: test sink that takes three seconds for each change of app_db.slow
                    errorHandler:
                      noErrorHandler: {}
                    from:
                      uri: direct:cdc-sink-slow
                      steps:
                        - setProperty:
                            description: three seconds a change
                            name: cdcSinkMaxAttempt
                            constant: 10s
                        - split:
                            simple: ${body}
                            stopOnException: "true"
                            steps:
                              - filter:
                                  simple: ${header.cdcTable} == 'slow'
                                  steps:
                                    - setBody:
                                        simple: ${header.cdcEventKey}
                                    - to:
                                        uri: file:{{env:SINKIT_OUT}}
                                        parameters:
                                          fileName: slow.started
                                          fileExist: Append
                                          appendChars: "\\\\n"
                                    - delay:
                                        constant: 3000
                """);
        Map<String, String> env = RoutesProcess.pipelineEnv(kafka.bootstrapServers(), db, topic, topic + "-dlq",
                "g-" + topic, "i-" + topic, sinkDir);
        env.put("ROUTES_DIR", routes.toString());
        env.put("SINKS", "audit,file,log,users-file,slow");
        env.put("USERS_SINK_DIR", out.toString());
        env.put("SINKIT_OUT", out.toString());
        env.put("CDC_RETRY_DELAY_MS", "100");
        // non-ASCII text, and a binary column (TiCDC sends its bytes as ISO-8859-1 characters)
        List<byte[]> changes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ObjectNode r = CanalRecords.row("app_db", "users", "INSERT", i, CanalRecords.BASE_TS + i, null,
                    "Zoë ✓ 日本 😀 " + i);
            r.putObject("mysqlType").put("id", "int").put("v", "varchar").put("b", "blob");
            r.putObject("sqlType").put("id", 4).put("v", 12).put("b", 2004);
            ((ObjectNode) r.path("data").get(0)).put("b", "\u0000\u00ff\u0080\u00e9 bin " + i);
            changes.add(CanalRecords.bytes(r));
        }
        try (RoutesProcess p = RoutesProcess.start(env, List.of("-Dfile.encoding=ANSI_X3.4-1968"),
                dir.resolve("routes.log"))) {
            changes.forEach(c -> kafka.send(topic, 0, null, c));
            sendRows("orders", 100, 110);
            await().atMost(WAIT).failFast("routes.jar exited (see " + p.log() + ")", () -> !p.isAlive())
                    .until(() -> committed() == 30);
            byte[] custom = Files.readAllBytes(out.resolve("users.jsonl"));
            byte[] file = fileSinkBytes(sinkDir.resolve("app_db").resolve("users"));
            assertThat(new String(custom, StandardCharsets.UTF_8)).contains("Zoë ✓ 日本 😀 0");
            assertThat(custom).hasSize(file.length);
            assertThat(Arrays.equals(custom, file)).as("the custom sink's lines equal the file sink's, byte for byte")
                    .isTrue();

            // SIGTERM while the slow sink is in the middle of a batch: the batch finishes and is committed
            sendRows("slow", 200, 201);
            await().atMost(WAIT).until(() -> lines(out.resolve("slow.started")).size() >= 1);
            long t0 = System.nanoTime();
            assertThat(p.terminate(Duration.ofSeconds(30))).as("exited after SIGTERM").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
            assertThat(committed()).isEqualTo(31);
            assertThat(lines(out.resolve("slow.started"))).hasSize(1);
        }
    }

    static byte[] fileSinkBytes(Path tableDir) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(tableDir)) {
            files = list.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList();
        }
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (Path f : files) {
            all.write(Files.readAllBytes(f));
        }
        return all.toByteArray();
    }
}
