package org.tidbcdc.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.NotifyBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import org.assertj.core.api.ThrowingConsumer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.tidbcdc.routes.kafka.ConsumerAccess;
import org.tidbcdc.routes.testsupport.Fixtures;
import org.tidbcdc.routes.testsupport.KafkaBroker;
import org.tidbcdc.routes.testsupport.LogCapture;
import org.tidbcdc.routes.testsupport.Management;
import org.tidbcdc.routes.testsupport.Management.Health;
import org.tidbcdc.routes.testsupport.Management.Sample;
import org.tidbcdc.routes.testsupport.MariaDbServer;
import org.tidbcdc.routes.testsupport.MetricReferences;
import org.tidbcdc.routes.testsupport.MetricReferences.DashboardQuery;
import org.tidbcdc.routes.testsupport.MetricReferences.Reference;
import org.tidbcdc.routes.testsupport.PrometheusServer;
import org.tidbcdc.routes.testsupport.PipelineParts;
import org.tidbcdc.routes.testsupport.RoutesApp;
import org.tidbcdc.routes.ticdc.FakeTiCluster;

/** Health and metrics as an operator reads them over HTTP, on real parts: a KRaft broker, MariaDB and the real routes. */
class ObservabilityIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String HEARTBEAT_DDL = """
            create database if not exists app_db;
            create table if not exists app_db.cdc_heartbeat
              (id INT PRIMARY KEY, beat_at DATETIME(3), instance VARCHAR(255));
            """;

    @RegisterExtension
    static final PipelineParts PARTS = new PipelineParts(HEARTBEAT_DDL,
            "truncate table cdc_audit.change_event;\ntruncate table app_db.cdc_heartbeat;");

    @TempDir
    Path sinkDir;
    KafkaBroker kafka;
    MariaDbServer db;
    String topic;

    @BeforeEach
    void freshTopic() {
        kafka = PARTS.kafka();
        db = PARTS.db();
        topic = PARTS.newTopic("obs");
    }

    RoutesApp app(Map<String, String> extra) {
        Map<String, String> s = PARTS.settings(topic, sinkDir);
        s.put("cdc.heartbeat.jdbc-url", db.jdbcUrl("app_db"));
        s.put("camel.main.routes-include-pattern", "file:routes/cdc-consume.camel.yaml,"
                + "file:routes/cdc-errors.camel.yaml,file:routes/cdc-heartbeat.camel.yaml,"
                + "file:routes/cdc-sink-*.camel.yaml");
        s.putAll(extra);
        return RoutesApp.start(s);
    }

    @Test
    void readinessListsEveryCheckAndGoesDownWhileTheAuditDatabaseIsStopped() {
        try (RoutesApp app = app(Map.of())) {
            Management m = new Management(app);
            await().atMost(WAIT).until(() -> m.ready().status() == 200);
            Health ready = m.ready();
            assertThat(ready.state()).isEqualTo("UP");
            for (String check : List.of("kafka-consumer", "audit-database", "file-sink", "cdc-delivery")) {
                assertThat(ready.checkState(check)).as(check).isEqualTo("UP");
            }
            // the heartbeat is off by default: no check, and its route stays stopped
            assertThat(m.all().checkNames()).doesNotContain("heartbeat");
            assertThat(app.context().getRouteController().getRouteStatus("cdc-heartbeat"))
                    .isEqualTo(ServiceStatus.Stopped);
            assertThat(m.health("/observe/health/ready?data=true").check("kafka-consumer").path("data")
                    .path("partitions").asText()).contains(topic + "-0", topic + "-1", topic + "-2");

            db.stop();
            try {
                await().atMost(WAIT).until(() -> m.ready().status() == 503);
                Health down = m.ready();
                assertThat(down.state()).isEqualTo("DOWN");
                assertThat(down.checkState("audit-database")).isEqualTo("DOWN");
                assertThat(down.check("audit-database").path("message").asText()).contains("audit database");
                assertThat(down.checkState("kafka-consumer")).isEqualTo("UP");
                // readiness, not liveness: the process is fine and must not be restarted
                assertThat(m.live().status()).isEqualTo(200);
                assertThat(m.live().checkNames()).containsExactly("context");
            } finally {
                db.startAgain();
            }
            await().atMost(WAIT).until(() -> m.ready().status() == 200);
            assertThat(m.ready().checkState("audit-database")).isEqualTo("UP");
        }
    }

    @Test
    void theKafkaConsumerIsNotReadyUntilItHoldsAPartition() {
        String missing = "absent-" + UUID.randomUUID();
        try (RoutesApp app = app(Map.of("cdc.topic", missing, "cdc.kafka.auth-retry-interval", "1s"))) {
            Management m = new Management(app);
            await().atMost(WAIT).until(() -> m.ready().check("kafka-consumer").path("message").asText()
                    .contains("no partition is assigned: the topic '" + missing + "' does not exist"));
            assertThat(m.ready().status()).isEqualTo(503);
            kafka.createTopic(missing, 3);
            await().atMost(WAIT).until(() -> "UP".equals(m.ready().checkState("kafka-consumer")));
        }
    }

    @Test
    void aMemberBeyondThePartitionCountIsNotReadyAndTheBrokerIsNotBlamed() throws Exception {
        String single = "single-" + UUID.randomUUID();
        kafka.createTopic(single, 1);
        try (RoutesApp first = app(Map.of("cdc.topic", single))) {
            await().atMost(WAIT).until(() -> "UP".equals(new Management(first).ready().checkState("kafka-consumer")));
            try (RoutesApp second = app(Map.of("cdc.topic", single, "cdc.instance-id", "standby-" + single,
                    "cdc.sink-dir", Files.createDirectories(sinkDir.resolve("standby")).toString(),
                    "cdc.kafka.auth-retry-interval", "1s"))) {
                NotifyBuilder asked = new NotifyBuilder(second.context()).fromRoute("cdc-kafka-authentication")
                        .whenCompleted(2).create();
                Management m = new Management(second);
                await().atMost(WAIT).until(() -> m.ready().check("kafka-consumer").path("message").asText()
                        .contains("no partition is assigned"));
                // the broker has been asked since: nothing it says keeps this member from reading
                assertThat(asked.matches(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
                assertThat(m.ready().check("kafka-consumer").path("message").asText())
                        .contains("other members hold every partition")
                        .doesNotContain("ACL", single + "' does not exist");
            }
        }
    }

    @Test
    void theKafkaConsumerIsNotReadyWithoutABrokerAndSaysSoOncePerIntervalNamingTheSetting() {
        long t0 = System.nanoTime();
        try (LogCapture log = LogCapture.of(ConsumerAccess.class.getName());
                RoutesApp app = app(Map.of("cdc.kafka.bootstrap-servers", "127.0.0.1:1",
                        "cdc.kafka.auth-retry-interval", "1s"))) {
            Management m = new Management(app);
            String line = "no Kafka broker reached at 127.0.0.1:1 (KAFKA_BOOTSTRAP_SERVERS)";
            await().atMost(WAIT).until(() -> m.ready().check("kafka-consumer").path("message").asText()
                    .startsWith(line));
            assertThat(m.ready().status()).isEqualTo(503);
            // one line per check, and a check at most once per KAFKA_AUTH_RETRY_INTERVAL
            assertThat(log.lines()).allMatch(l -> l.startsWith("WARN The Kafka consumer holds no partition: " + line));
            assertThat(log.count(line)).isLessThanOrEqualTo(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0));
        }
    }

    @Test
    void metricsMoveWhenChangesFlow() {
        try (RoutesApp app = app(Map.of())) {
            Management m = new Management(app);
            await().atMost(WAIT).until(() -> m.ready().status() == 200);
            for (String f : Fixtures.ALL) {
                if (!f.contains("watermark")) {
                    kafka.send(topic, f.contains("ddl") ? 0 : Math.abs(f.hashCode()) % 3, Fixtures.compact(f));
                }
            }
            kafka.send(topic, 1, "{\"id\":0,\"database\":\"x\"");
            // a watermark two seconds old, as TiCDC sends one every second
            long watermarkMillis = System.currentTimeMillis() - 2000;
            kafka.send(topic, 2, watermark(watermarkMillis << 18));

            await().atMost(WAIT).until(() -> m.value("cdc_change_events_total") == CdcConsumeIT.FIXTURE_CHANGES);
            assertThat(m.value("cdc_change_events_total", Map.of("database", "test", "table", "employee",
                    "op", "UPDATE"))).isEqualTo(1.0);
            assertThat(m.value("cdc_change_events_total", Map.of("database", "test", "table", "", "op", "DDL")))
                    .isEqualTo(1.0);
            await().atMost(WAIT).until(() -> m.value("cdc_dlq_records_total") == 1.0);
            // every row of every successful JDBC batch, including the replays the audit table ignores
            assertThat(m.value("cdc_audit_rows_written_total")).isEqualTo(CdcConsumeIT.FIXTURE_CHANGES);
            for (String sink : List.of("log", "file", "audit")) {
                assertThat(m.value("cdc_sink_write_seconds_count", Map.of("sink", sink))).as(sink).isPositive();
                assertThat(m.samples("cdc_sink_write_seconds_bucket", Map.of("sink", sink))).as(sink).isNotEmpty();
            }
            await().atMost(WAIT).until(() -> m.value("cdc_watermark_freshness_seconds",
                    Map.of("partition", "2")) >= 2.0);
            double freshness = m.value("cdc_watermark_freshness_seconds", Map.of("partition", "2"));
            assertThat(freshness).isLessThan((System.currentTimeMillis() - watermarkMillis) / 1000.0 + 1);
            for (String p : List.of("0", "1", "2")) {
                await().atMost(WAIT).until(() -> m.value("cdc_consumer_lag_records", Map.of("partition", p)) == 0.0);
            }
        }
    }

    /**
     * The metrics table of docs/operations.md, the alert rules and the Grafana dashboard name series and labels by hand:
     * each must be in a real scrape of the whole application (every route, the control plane against a TiCDC and PD
     * double), with every label value the table lists.
     */
    @Test
    void everyMetricTheDocsAndTheDashboardUseIsExportedWithItsLabels() throws Exception {
        List<Reference> refs = new ArrayList<>(MetricReferences.metricsTable());
        assertThat(refs).as("docs/operations.md metrics table rows").hasSizeGreaterThanOrEqualTo(11);
        List<Reference> alerts = MetricReferences.alertRules();
        List<Reference> dashboard = MetricReferences.dashboard();
        assertThat(alerts).as("alert rules").hasSizeGreaterThanOrEqualTo(6);
        assertThat(dashboard).as("dashboard queries").hasSizeGreaterThanOrEqualTo(14);
        refs.addAll(alerts);
        refs.addAll(dashboard);

        withACustomSinkAndChangesFlowing(app -> {
            Management m = new Management(app);
            await().atMost(WAIT).untilAsserted(() -> {
                List<Sample> scrape = m.metrics();
                assertThat(refs.stream().flatMap(r -> r.missingFrom(scrape).stream()).toList()).isEmpty();
                assertThat(m.value("cdc_sink_write_seconds_count", Map.of("sink", "custom"))).isPositive();
            });
        });
    }

    /**
     * Every query of the Grafana dashboard and of the alert rules is valid PromQL against the real series: a real
     * Prometheus scrapes the application every second, and each query answers {@code success} once two scrapes followed
     * the changes. The queries over the sinks' latency show a series for a custom sink.
     */
    @Test
    void everyQueryOfTheDashboardAndTheAlertsRunsInPrometheusAndTheSinkQueriesShowTheCustomSink() throws Exception {
        Optional<Path> binary = PrometheusServer.binary();
        String absent = "no prometheus binary on the PATH or in $PROMETHEUS: run scripts/install-check-tools.sh "
                + "(Debian package prometheus)";
        if ("true".equals(System.getenv("CI"))) {
            assertThat(binary).as(absent).isPresent();
        }
        Assumptions.assumeTrue(binary.isPresent(), absent);
        Map<String, String> queries = new LinkedHashMap<>();
        for (DashboardQuery q : MetricReferences.dashboardQueries()) {
            queries.put("dashboard panel \"" + q.panel() + "\" `" + q.expr() + "`", grafanaVariablesReplaced(q.expr()));
        }
        for (Map<String, Object> rule : MetricReferences.rules()) {
            queries.put("alert " + rule.get("alert") + " `" + rule.get("expr") + "`", String.valueOf(rule.get("expr")));
        }
        assertThat(queries).as("dashboard queries and alert rules").hasSizeGreaterThanOrEqualTo(20);

        withACustomSinkAndChangesFlowing(app -> {
            Management m = new Management(app);
            await().atMost(WAIT).until(() -> m.value("cdc_sink_write_seconds_count", Map.of("sink", "custom")) > 0);
            // started once the changes are in the counters, so every sample it scrapes is one after they flowed
            try (PrometheusServer prometheus = PrometheusServer.start(binary.get(), sinkDir.resolve("prometheus"),
                    "127.0.0.1:" + app.managementPort(), "/observe/metrics")) {
                await().atMost(WAIT).untilAsserted(() -> assertThat(prometheus.query(
                        "count_over_time(cdc_sink_write_seconds_count{sink=\"custom\"}[1m])").at("/data/result/0/value/1")
                        .asDouble()).as("custom sink samples scraped").isGreaterThanOrEqualTo(2));
                List<String> failed = new ArrayList<>();
                queries.forEach((where, expr) -> {
                    try {
                        JsonNode answer = prometheus.query(expr);
                        if (!"success".equals(answer.path("status").asText())) {
                            failed.add(where + ": " + answer.path("errorType").asText() + ": "
                                    + answer.path("error").asText());
                        } else if (expr.contains("cdc_sink_write_seconds")) {
                            List<String> sinks = new ArrayList<>();
                            answer.at("/data/result").forEach(r -> sinks.add(r.at("/metric/sink").asText()));
                            if (!sinks.contains("custom")) {
                                failed.add(where + ": no series with sink=\"custom\" (sinks: " + sinks + ")");
                            }
                        }
                    } catch (Exception e) {
                        failed.add(where + ": " + e);
                    }
                });
                assertThat(failed).as("queries Prometheus rejects or answers without the custom sink").isEmpty();
            }
        });
    }

    /** Grafana's interval variables, as Grafana would fill them for a one-second scrape interval and a short range. */
    static String grafanaVariablesReplaced(String expr) {
        String replaced = expr.replace("$__rate_interval", "1m").replace("${__rate_interval}", "1m")
                .replace("$__interval", "1m").replace("${__interval}", "1m")
                .replace("$__range", "5m").replace("${__range}", "5m")
                .replaceAll("\\$\\{?instance}?", ".*").replaceAll("\\$\\{?job}?", "routes");
        assertThat(replaced).as("a Grafana variable this test does not fill, in `" + expr + "`").doesNotContain("$");
        return replaced;
    }

    /** Runs {@code body} with the app delivering to a custom YAML sink besides the built-in ones, once changes flowed. */
    void withACustomSinkAndChangesFlowing(ThrowingConsumer<RoutesApp> body) throws Exception {
        String instance = "i-" + topic;
        // a custom sink too: its series are the built-in sinks' series, with its name as the label
        Path custom = Files.createDirectories(sinkDir.resolve("custom-routes"));
        Files.writeString(custom.resolve("cdc-sink-custom.camel.yaml"), """
                - route:
                    id: cdc-sink-custom
                    description: test sink that logs each change's event key
                    errorHandler:
                      noErrorHandler: {}
                    from:
                      uri: direct:cdc-sink-custom
                      steps:
                        - setProperty:
                            description: an asynchronous logger's append
                            name: cdcSinkMaxAttempt
                            constant: 1s
                        - split:
                            simple: ${body}
                            stopOnException: "true"
                            steps:
                              - log: "${header.cdcEventKey}"
                """);
        try (FakeTiCluster ti = FakeTiCluster.start();
                RoutesApp app = app(Map.of(
                        "camel.main.routes-include-pattern", "file:routes/*.camel.yaml,file:" + custom + "/*.camel.yaml",
                        "cdc.sinks", "audit,file,log,custom",
                        "cdc.heartbeat.enabled", "true", "cdc.heartbeat.interval", "200ms",
                        "cdc.pd.url", ti.url(), "cdc.tidb.status-url", ti.url(), "cdc.ticdc.url", ti.url(),
                        "cdc.changefeed.enabled", "true", "cdc.health.poll-interval", "200ms"))) {
            Management m = new Management(app);
            await().atMost(WAIT).until(() -> m.ready().status() == 200);
            await().atMost(WAIT).until(() -> db.queryLong(
                    "select count(*) from app_db.cdc_heartbeat where instance = '" + instance + "'") == 1);
            List<String> row = db.query("select id, beat_at, instance from app_db.cdc_heartbeat").get(0);
            for (String f : Fixtures.ALL) {
                if (!f.contains("watermark")) {
                    kafka.send(topic, f.contains("ddl") ? 0 : Math.abs(f.hashCode()) % 3, Fixtures.compact(f));
                }
            }
            kafka.send(topic, 1, "{\"id\":0,\"database\":\"x\"");
            for (int p = 0; p < 3; p++) {
                kafka.send(topic, p, watermark(System.currentTimeMillis() << 18));
            }
            kafka.send(topic, 1, heartbeatUpdate(row, System.currentTimeMillis()));

            body.accept(app);
        }
    }

    @Test
    void aHeartbeatIsWrittenMeasuredOnItsWayBackAndKeptOutOfTheSinks() throws Exception {
        String instance = "i-" + topic;
        try (RoutesApp app = app(Map.of("cdc.heartbeat.enabled", "true", "cdc.heartbeat.interval", "200ms",
                "cdc.heartbeat.stale-after", "3s"))) {
            Management m = new Management(app);
            await().atMost(WAIT).until(() -> db.queryLong(
                    "select count(*) from app_db.cdc_heartbeat where instance = '" + instance + "'") == 1);
            List<String> row = db.query("select id, beat_at, instance from app_db.cdc_heartbeat").get(0);

            // nothing comes back without TiCDC: freshness goes DOWN, readiness stays UP
            await().atMost(WAIT).until(() -> "DOWN".equals(m.all().checkState("heartbeat")));
            assertThat(m.all().check("heartbeat").path("message").asText())
                    .contains("no heartbeat has come back since start");
            assertThat(m.all().status()).isEqualTo(503);
            assertThat(m.ready().status()).isEqualTo(200);
            assertThat(m.ready().checkNames()).doesNotContain("heartbeat");

            // what TiCDC would send for the row: the UPDATE, committed 1.5 s ago, next to an ordinary change
            long committed = System.currentTimeMillis() - 1500;
            kafka.send(topic, 1, heartbeatUpdate(row, committed));
            kafka.send(topic, 1, Fixtures.compact("02-docs-insert-tp_int-with-tidb-extension.json"));

            await().atMost(WAIT).until(() -> m.value("cdc_heartbeat_latency_seconds_count") >= 1.0);
            assertThat(m.value("cdc_heartbeat_rows_total")).isEqualTo(1.0);
            assertThat(m.value("cdc_heartbeat_latency_seconds_sum")).isGreaterThanOrEqualTo(1.5);
            assertThat(m.all().checkState("heartbeat")).isEqualTo("UP");
            await().atMost(WAIT).until(() -> db.queryLong("select count(*) from cdc_audit.change_event") == 1);
            assertThat(db.queryLong("select count(*) from cdc_audit.change_event where source_table = 'cdc_heartbeat'"))
                    .isZero();
            assertThat(Files.exists(sinkDir.resolve("app_db/cdc_heartbeat"))).isFalse();
            assertThat(m.samples("cdc_change_events_total", Map.of("table", "cdc_heartbeat"))).isEmpty();
            assertThat(m.value("cdc_change_events_total")).isEqualTo(1.0);

            // and stale again once none has come back for HEARTBEAT_STALE_AFTER
            await().atMost(WAIT).until(() -> "DOWN".equals(m.all().checkState("heartbeat")));
            assertThat(m.all().check("heartbeat").path("message").asText())
                    .contains("no heartbeat has come back for");
        }
    }

    static String watermark(long watermarkTs) {
        return "{\"id\":0,\"database\":\"\",\"table\":\"\",\"pkNames\":null,\"isDdl\":false,\"type\":\"TIDB_WATERMARK\","
                + "\"es\":" + (watermarkTs >>> 18) + ",\"ts\":" + (watermarkTs >>> 18) + ",\"sql\":\"\","
                + "\"sqlType\":null,\"mysqlType\":null,\"data\":null,\"old\":null,"
                + "\"_tidb\":{\"watermarkTs\":" + watermarkTs + "}}";
    }

    /** The Canal-JSON record TiCDC (enable-tidb-extension) writes for an update of the heartbeat row. */
    static String heartbeatUpdate(List<String> row, long commitMillis) throws Exception {
        ObjectNode msg = JSON.createObjectNode();
        msg.put("id", 0).put("database", "app_db").put("table", "cdc_heartbeat");
        msg.putArray("pkNames").add("id");
        msg.put("isDdl", false).put("type", "UPDATE").put("es", commitMillis).put("ts", commitMillis + 5)
                .put("sql", "");
        msg.putObject("sqlType").put("id", 4).put("beat_at", 93).put("instance", 12);
        msg.putObject("mysqlType").put("id", "int").put("beat_at", "datetime").put("instance", "varchar");
        ArrayNode data = msg.putArray("data");
        data.addObject().put("id", row.get(0)).put("beat_at", row.get(1)).put("instance", row.get(2));
        msg.putArray("old").addObject().put("beat_at", "2025-01-01 00:00:00.000");
        msg.putObject("_tidb").put("commitTs", commitMillis << 18);
        return new String(JSON.writeValueAsBytes(msg), StandardCharsets.UTF_8);
    }
}
