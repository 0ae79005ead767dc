package org.tidbcdc.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.camel.ServiceStatus;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.component.kafka.PollOnError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidbcdc.routes.testsupport.RoutesApp;
import org.tidbcdc.routes.testsupport.RoutesProcess;

/** What an operator sees at startup: bad settings stop it with the setting's name; routes load from the folder. */
class StartupIT {

    @TempDir
    Path dir;

    Map<String, String> settings(Path routesDir) {
        Map<String, String> s = new HashMap<>();
        s.put("cdc.routes-dir", routesDir.toString());
        s.put("cdc.sink-dir", dir.resolve("sink").toString());
        // nothing listens here: the consumer simply waits, which these tests do not need
        s.put("cdc.kafka.bootstrap-servers", "127.0.0.1:1");
        return s;
    }

    Path routesWith(String name, String yaml) throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve(name), yaml);
        return routes;
    }

    static final String TIMER_ROUTE = """
            - route:
                id: tick
                description: test route
                from:
                  uri: timer:tick
                  parameters:
                    period: "60000"
                  steps:
                    - log: tick
            """;

    @Test
    void aSinkWithoutARouteStopsStartupWithAMessageNamingSinks() throws Exception {
        Map<String, String> s = settings(Path.of("routes"));
        s.put("camel.main.routes-include-pattern", "file:routes/cdc-consume.camel.yaml,"
                + "file:routes/cdc-errors.camel.yaml,file:routes/cdc-sink-*.camel.yaml");
        s.put("cdc.sinks", "log,s3");
        assertThatThrownBy(() -> RoutesApp.start(s)).hasStackTraceContaining("SINKS: sink 's3' has no route");
    }

    @Test
    void aRetryCycleLongerThanThePollIntervalStopsStartupNamingTheSettings() throws Exception {
        Map<String, String> s = settings(Path.of("routes"));
        s.put("camel.main.routes-include-pattern", "file:routes/cdc-consume.camel.yaml,"
                + "file:routes/cdc-errors.camel.yaml,file:routes/cdc-sink-*.camel.yaml");
        // the defaults fit in 300 s; a 60 s socket timeout makes six attempts outlast it
        s.put("cdc.audit.socket-timeout-ms", "60000");
        assertThatThrownBy(() -> RoutesApp.start(s))
                .hasStackTraceContaining("CDC_MAX_POLL_INTERVAL_MS (300000) is shorter than one retry cycle of sink"
                        + " route cdc-sink-audit")
                .hasStackTraceContaining("AUDIT_SOCKET_TIMEOUT_MS");
    }

    @Test
    void aClaimCheckDirThatIsNotThereStopsStartupNamingIt() throws Exception {
        Map<String, String> s = settings(routesWith("a.camel.yaml", TIMER_ROUTE));
        s.put("cdc.claim-check.dir", dir.resolve("not-mounted").toString());
        assertThatThrownBy(() -> RoutesApp.start(s))
                .hasStackTraceContaining("CLAIM_CHECK_DIR: " + dir.resolve("not-mounted") + " is not a readable directory");
    }

    @Test
    void anUnknownCompressionStopsStartupNamingIt() throws Exception {
        Map<String, String> s = settings(routesWith("a.camel.yaml", TIMER_ROUTE));
        s.put("cdc.changefeed.large-message-compression", "zstd");
        assertThatThrownBy(() -> RoutesApp.start(s))
                .hasStackTraceContaining("CHANGEFEED_LARGE_MESSAGE_COMPRESSION 'zstd' is none of none, lz4, snappy");
    }

    @Test
    void aManagementPortInUseStopsStartupNamingManagementPort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Map<String, String> s = settings(routesWith("a.camel.yaml", TIMER_ROUTE));
            s.put("camel.management.port", String.valueOf(taken.getLocalPort()));
            assertThatThrownBy(() -> RoutesApp.start(s))
                    .hasStackTraceContaining("MANAGEMENT_PORT: cannot listen on 0.0.0.0:" + taken.getLocalPort());
        }
    }

    @Test
    void settingsThatCanOnlyFailLaterStopStartupNamingThem() throws Exception {
        assertStartupStops("AUDIT_JDBC_URL: no JDBC driver",
                "cdc.audit.jdbc-url", "jdbc:postgresql://db:5432/cdc_audit");
        assertStartupStops("CDC_DLQ_TOPIC: must differ from CDC_TOPIC",
                "cdc.dlq-topic", "ti-db-updates", "cdc.topic", "ti-db-updates");
        // the default CHANGEFEED_SINK_URI holds the topic: the message named the URI, which nobody had set
        assertStartupStops("CDC_TOPIC: Topic name is invalid: 'ti db updates'", "cdc.topic", "ti db updates");
        // read as false before: the control plane was off, without a word
        assertStartupStops("CHANGEFEED_ENABLED: expected true or false, got 'yes'", "cdc.changefeed.enabled", "yes");
        // five milliseconds, not seconds: every health poll and the changefeed's, 200 times a second
        assertStartupStops("HEALTH_POLL_INTERVAL: must be at least 100ms, got '5'",
                "cdc.changefeed.enabled", "true", "cdc.health.poll-interval", "5");
        // the routes' timers exist with the control plane off too, and Camel's error named only their period
        assertStartupStops("HEALTH_POLL_INTERVAL: expected a positive duration such as 5s, 1m30s or 500ms, got"
                + " '5seconds'", "cdc.changefeed.enabled", "false", "cdc.health.poll-interval", "5seconds");
        // Camel reads "x" as no time at all: a typo resumed a failed changefeed without any backoff
        assertStartupStops("CHANGEFEED_RESUME_BACKOFF: expected a duration such as 5s, 1m30s or 500ms, got 'x'",
                "cdc.changefeed.resume-backoff", "x");
        // Kafka refuses to create such a consumer, and camel-kafka retries that for ever without a word in the log
        assertStartupStops("CDC_FETCH_MAX_WAIT_MS: must be at least 0, got -5",
                "cdc.fetch-max-wait-ms", "-5");
        assertStartupStops("READINESS: must be one of delivering, running, got 'ready'", "cdc.readiness", "ready");
        assertStartupStops("CDC_LEAVE_GROUP_ON_STOP: expected true or false, got 'yes'",
                "cdc.leave-group-on-stop", "yes");
    }

    /** Startup with these properties (name, value, …) over a folder with one timer route stops with the message. */
    void assertStartupStops(String message, String... properties) throws Exception {
        Map<String, String> s = settings(routesWith("a.camel.yaml", TIMER_ROUTE));
        for (int i = 0; i < properties.length; i += 2) {
            s.put(properties[i], properties[i + 1]);
        }
        assertThatThrownBy(() -> RoutesApp.start(s)).hasStackTraceContaining(message);
    }

    @Test
    void aMissingRoutesFolderStopsStartupWithAMessageNamingIt() {
        Map<String, String> s = settings(dir.resolve("missing"));
        // before, camel-main's own walk of the folder failed first, with a NoSuchFileException naming no setting
        assertThatThrownBy(() -> RoutesApp.start(s)).hasStackTraceContaining("ROUTES_DIR: route folder '"
                + dir.resolve("missing") + "' does not exist");
    }

    @Test
    void aRoutesFolderWithoutYamlRoutesStopsStartupNamingRoutesDir() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> RoutesApp.start(settings(empty))).hasStackTraceContaining("ROUTES_DIR")
                .hasStackTraceContaining("no *.camel.yaml");
    }

    @Test
    void aRouteSavedAsYmlStopsStartupNamingTheFileInsteadOfBeingLeftOut() throws Exception {
        Path routes = routesWith("a.camel.yaml", TIMER_ROUTE);
        Files.writeString(routes.resolve("b.camel.yml"), TIMER_ROUTE.replace("tick", "tock"));
        assertThatThrownBy(() -> RoutesApp.start(settings(routes)))
                .hasStackTraceContaining("ROUTES_DIR: [b.camel.yml] in '" + routes.toRealPath())
                .hasStackTraceContaining("routes are read from *.camel.yaml files");
    }

    @Test
    void aBrokenYamlFileStopsStartupWithAMessageNamingTheFile() throws Exception {
        Path routes = routesWith("a.camel.yaml", TIMER_ROUTE);
        Files.writeString(routes.resolve("broken.camel.yaml"), "- route:\n    id: x\n  from: [\n");
        assertThatThrownBy(() -> RoutesApp.start(settings(routes))).hasStackTraceContaining("broken.camel.yaml");
    }

    @Test
    void theConsumerRunsWithTheDeliverySettingsTheContractNeeds() {
        Map<String, String> s = settings(Path.of("routes"));
        s.put("camel.main.routes-include-pattern", "file:routes/cdc-consume.camel.yaml,"
                + "file:routes/cdc-errors.camel.yaml,file:routes/cdc-sink-*.camel.yaml");
        s.put("cdc.instance-id", "routes-7");
        s.put("cdc.max-poll-records", "321");
        try (RoutesApp app = RoutesApp.start(s)) {
            KafkaConfiguration c = ((KafkaEndpoint) app.context().getRoute("cdc-consume").getEndpoint())
                    .getConfiguration();
            assertThat(c.getGroupInstanceId()).isEqualTo("routes-7");
            assertThat(c.isAutoCommitEnable()).isFalse();
            assertThat(c.isAllowManualCommit()).isTrue();
            assertThat(c.isBatching()).isTrue();
            assertThat(c.getMaxPollRecords()).isEqualTo(321);
            assertThat(c.getPollOnError()).isEqualTo(PollOnError.RECONNECT);
            assertThat(c.isBreakOnFirstError()).isFalse();
            assertThat(c.getAdditionalProperties()).containsEntry("allow.auto.create.topics", "false");
        }
    }

    @Test
    void yamlRoutesAreLoadedFromTheFolderOnTheFileSystem() throws Exception {
        try (RoutesApp app = RoutesApp.start(settings(routesWith("a.camel.yaml", TIMER_ROUTE)))) {
            assertThat(app.context().getRoute("tick")).isNotNull();
        }
    }

    @Test
    void aRoutesFolderThatIsASymbolicLinkLoadsAndReloadsItsRoutes() throws Exception {
        // a folder mounted or deployed behind a link, e.g. ROUTES_DIR=/etc/cdc/routes -> /opt/cdc/routes-v2
        Path linked = Files.createSymbolicLink(dir.resolve("linked"), routesWith("a.camel.yaml", TIMER_ROUTE));
        try (RoutesApp app = startReloading(linked)) {
            assertThat(app.context().getRoute("tick")).isNotNull();
            addRouteAndAwaitIt(app, linked);
        }
    }

    RoutesApp startReloading(Path routes) {
        Map<String, String> s = settings(routes);
        s.put("camel.main.routes-reload-enabled", "true");
        return RoutesApp.start(s);
    }

    /** Writes a second route into the folder and waits until the running application has started it. */
    static void addRouteAndAwaitIt(RoutesApp app, Path routes) throws Exception {
        Files.writeString(routes.resolve("b.camel.yaml"), TIMER_ROUTE.replace("tick", "tock"));
        await().atMost(Duration.ofSeconds(30)).until(() -> app.context().getRoute("tock") != null
                && app.context().getRouteController().getRouteStatus("tock") == ServiceStatus.Started);
    }

    @Test
    void withReloadOnAYamlEditAppliesWhileRunning() throws Exception {
        Path routes = routesWith("a.camel.yaml", TIMER_ROUTE);
        try (RoutesApp app = startReloading(routes)) {
            assertThat(app.context().getRoute("tick")).isNotNull();
            addRouteAndAwaitIt(app, routes);
            // a broken edit does not take the running routes down
            Files.writeString(routes.resolve("b.camel.yaml"), "- route: [\n");
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                    .until(() -> app.context().getRouteController().getRouteStatus("tick") == ServiceStatus.Started);
        }
    }

    static final String SENTINEL = "S3NT1NEL-secret";

    /**
     * routes.jar as an operator runs it: a bad value, checked alone before camel-main starts or against another
     * setting once it runs, ends the process within seconds, non-zero, with one line that starts with the variable's
     * name, no stack trace, and no secret.
     */
    @Test
    void aBadValueStopsRoutesJarWithinSecondsWithOneLineAndNoStackTrace() throws Exception {
        assertProcessStops("CDC_MAX_POLL_RECORDS: must be at least 1, got 0", "CDC_MAX_POLL_RECORDS", "0");
        assertProcessStops("CDC_DLQ_TOPIC: must differ from CDC_TOPIC (both 'ti-db-updates')",
                "CDC_DLQ_TOPIC", "ti-db-updates", "CDC_TOPIC", "ti-db-updates");
        assertProcessStops("AUDIT_JDBC_URL: no JDBC driver of this application takes this URL",
                "AUDIT_JDBC_URL", "jdbc:postgresql://audit:" + SENTINEL + "@db/cdc_audit?password=" + SENTINEL);
    }

    /** Two processes on one SINK_DIR would append to the same files: the second stops before it reads the folder. */
    @Test
    void aSinkFolderThatAnotherProcessHoldsStopsRoutesJarWithOneLineNamingSinkDir() throws Exception {
        Path sink = Files.createDirectories(dir.resolve("held-sink"));
        try (FileChannel channel = FileChannel.open(sink.resolve(".file-sink-lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = channel.lock()) {
            assertProcessStops("SINK_DIR: " + sink + " is in use by another routes process", "SINK_DIR",
                    sink.toString());
        }
    }

    void assertProcessStops(String line, String... env) throws Exception {
        Map<String, String> e = new HashMap<>();
        for (int i = 0; i < env.length; i += 2) {
            e.put(env[i], env[i + 1]);
        }
        Path log = Files.createTempFile(dir, "routes", ".log");
        long t0 = System.nanoTime();
        try (RoutesProcess routes = RoutesProcess.start(e, List.of(), log)) {
            assertThat(routes.waitFor(Duration.ofSeconds(20))).as("routes.jar ended").isTrue();
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).as("seconds to stop").isLessThan(10);
            assertThat(routes.exitCode()).isEqualTo(Application.BAD_SETTING);
        }
        List<String> lines = Files.readAllLines(log);
        String name = line.substring(0, line.indexOf(':'));
        assertThat(lines.stream().filter(l -> l.startsWith(line))).as(String.join("\n", lines)).hasSize(1);
        assertThat(lines.stream().filter(l -> l.contains(name + ":"))).hasSize(1);
        assertThat(lines).noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception"));
        assertThat(String.join("\n", lines)).doesNotContain(SENTINEL);
    }

    /**
     * One name per setting: the properties component's environment override (CDC_SINKS over SINKS) and camel-main's
     * environment auto-configuration (CAMEL_MAIN_*, CAMEL_COMPONENT_*) change nothing. The startup summary shows the
     * effective values, with every secret masked.
     */
    @Test
    void formerHiddenAliasesChangeNothingAndTheLogShowsNoSecretNorKafkasConnectionWarnings() throws Exception {
        Map<String, String> e = new HashMap<>();
        e.put("SINKS", "log");
        e.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1");
        e.put("KAFKA_AUTH_RETRY_INTERVAL", "1s");
        e.put("CDC_SINKS", "x");
        e.put("CAMEL_MAIN_SHUTDOWNTIMEOUT", "1");
        e.put("CAMEL_COMPONENT_KAFKA_BROKERS", "x:9092");
        e.put("AUDIT_DB_PASSWORD", SENTINEL);
        e.put("HEARTBEAT_DB_PASSWORD", SENTINEL);
        e.put("KAFKA_SSL_TRUSTSTORE_PASSWORD", SENTINEL);
        e.put("KAFKA_SSL_KEYSTORE_PASSWORD", SENTINEL);
        e.put("KAFKA_SSL_KEY_PASSWORD", SENTINEL);
        e.put("AUDIT_JDBC_URL", "jdbc:mysql://audit:" + SENTINEL + "@127.0.0.1:1/cdc_audit?password=" + SENTINEL);
        e.put("HEARTBEAT_JDBC_URL", "jdbc:mysql://127.0.0.1:1/app_db?password=" + SENTINEL);
        e.put("CHANGEFEED_SINK_URI", "kafka://kafka:29092/ti-db-updates?protocol=canal-json&sasl-password=" + SENTINEL);
        Path log = dir.resolve("routes.log");
        try (RoutesProcess routes = RoutesProcess.start(e, List.of(), log)) {
            // first contact: the consumer's check names the setting and the address, once per interval
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains(
                    "no Kafka broker reached at 127.0.0.1:1 (KAFKA_BOOTSTRAP_SERVERS)"));
            assertThat(routes.terminate(Duration.ofSeconds(60))).isTrue();
        }
        String out = Files.readString(log);
        assertThat(out).contains("*SINKS=log", "AUDIT_DB_PASSWORD=******", "SHUTDOWN_TIMEOUT_SECONDS=30")
                .contains("is shutting down (timeout:30s)").doesNotContain(SENTINEL)
                .doesNotContain("x:9092")
                // first contact without a broker: not the Kafka clients' connection warnings, several a second
                .doesNotContain("could not be established")
                // camel-main's own property summaries are off
                .doesNotContain("Auto-configuration summary");
    }

    @Test
    void helpListsTheSettingsAndCamelMainsOptionsAndStartsNothing() throws Exception {
        for (String flag : List.of("--help", "-h")) {
            Path log = dir.resolve("help" + flag + ".log");
            try (RoutesProcess routes = RoutesProcess.start(List.of(), Map.of("AUDIT_DB_PASSWORD", SENTINEL),
                    List.of(), List.of(flag), log)) {
                assertThat(routes.waitFor(Duration.ofSeconds(20))).isTrue();
                assertThat(routes.exitCode()).isZero();
            }
            String out = Files.readString(log);
            assertThat(out).contains("Kafka consumer\n", "  CDC_MAX_POLL_RECORDS ", "default: 500; valid: 1 or more",
                    "Options of camel-main", "-d or -duration").doesNotContain("Apache Camel (Main)")
                    .doesNotContain("Unknown option").doesNotContain(SENTINEL);
            for (org.tidbcdc.routes.settings.Setting s : org.tidbcdc.routes.settings.Settings.all()) {
                assertThat(out).contains(s.env());
            }
        }
    }
}
