package org.tidbcdc.routes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.tidbcdc.routes.settings.Setting;
import org.tidbcdc.routes.settings.Settings;
import org.tidbcdc.routes.testsupport.MetricReferences;

/**
 * The compose stack, checked without a Docker engine: docker-compose.yml parsed as YAML and compared with what the
 * application reads (application.properties), what the broker advertises and what exists in the repository.
 */
class StackComposeTest {

    /** Services that run once and exit; every other service is long-running and needs a healthcheck. */
    private static final Set<String> ONE_SHOT = Set.of("db-init");
    private static final List<String> TIDB_COMPONENTS = List.of("pd", "tikv", "tidb", "ticdc");
    /** Environment of the routes container that is read by the JVM, not by application.properties. */
    private static final Set<String> JVM_ENV = Set.of("JAVA_TOOL_OPTIONS");
    /** Variables of docker-compose.yml and start.sh themselves, not of the application. */
    private static final Set<String> STACK_VARIABLES = Set.of("HOST_BIND", "HOST_PORT_PD", "HOST_PORT_TIDB",
            "HOST_PORT_TIDB_STATUS", "HOST_PORT_TICDC", "HOST_PORT_KAFKA", "HOST_PORT_ROUTES", "HOST_PORT_PROMETHEUS",
            "HOST_PORT_GRAFANA", "HOST_UID", "HOST_GID", "ROUTES_JAVA_TOOL_OPTIONS", "START_TIMEOUT");
    private static final Pattern ENV_PLACEHOLDER = Pattern.compile("\\{\\{env:([A-Za-z0-9_]+):");
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Za-z0-9_]+)(?::-([^}]*))?}");

    private static Map<String, Object> compose;
    private static Map<String, Map<String, Object>> services;
    private static String properties;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        Load yaml = new Load(LoadSettings.builder().setLabel("docker-compose.yml").build());
        compose = (Map<String, Object>) yaml.loadFromString(read("docker-compose.yml"));
        services = (Map<String, Map<String, Object>>) compose.get("services");
        properties = read("src/main/resources/application.properties");
    }

    @Test
    void theWholePipelineIsThere() {
        for (String s : List.of("pd", "tikv", "tidb", "ticdc", "kafka", "db-init", "routes", "claim-check-pruner",
                "prometheus", "grafana", "demo-load")) {
            assertTrue(services.containsKey(s), "service " + s);
        }
    }

    @Test
    void everyLongRunningServiceHasARealHealthcheck() {
        services.forEach((name, svc) -> {
            if (ONE_SHOT.contains(name)) {
                assertEquals("no", String.valueOf(svc.get("restart")), name + " runs once");
                assertFalse(svc.containsKey("healthcheck"), name + " exits, so a healthcheck would never pass");
                return;
            }
            Map<String, Object> hc = map(svc.get("healthcheck"));
            assertNotNull(hc, name + " has no healthcheck");
            assertFalse(Boolean.TRUE.equals(hc.get("disable")), name + " healthcheck disabled");
            List<String> test = strings(hc.get("test"));
            assertTrue(test.size() >= 2 && List.of("CMD", "CMD-SHELL").contains(test.get(0)), name + ": " + test);
            assertTrue(hc.containsKey("interval") && hc.containsKey("retries"), name + " healthcheck timing");
        });
        // the readiness each component really has, with what exists inside its image
        assertHealthcheckMentions("pd", "/pd/api/v1/health", "/pd/api/v1/leader");
        assertHealthcheckMentions("tikv", ":20180/status", "\"state_name\"", "\"is_initialized\"");
        assertHealthcheckMentions("tidb", ":10080/status");
        assertHealthcheckMentions("ticdc", ":8300/api/v2/health");
        // the internal listener, which TiCDC and the routes use, with a small heap instead of the broker's
        assertHealthcheckMentions("kafka", "/opt/kafka/bin/kafka-broker-api-versions.sh", "localhost:29092",
                "KAFKA_HEAP_OPTS='-Xms16m -Xmx64m'");
        assertHealthcheckMentions("routes", ":8080/observe/health/ready");
    }

    @Test
    void everyDependencyWaitsOnHealthOrOnCompletion() {
        services.forEach((name, svc) -> {
            Object deps = svc.get("depends_on");
            if (deps == null) {
                return;
            }
            assertTrue(deps instanceof Map, name + ": depends_on must use the long form with a condition");
            map(deps).forEach((dep, spec) -> {
                assertTrue(services.containsKey(dep), name + " depends on unknown " + dep);
                String condition = String.valueOf(map(spec).get("condition"));
                if (ONE_SHOT.contains(dep)) {
                    assertEquals("service_completed_successfully", condition, name + " -> " + dep);
                } else {
                    assertEquals("service_healthy", condition, name + " -> " + dep);
                    assertTrue(services.get(dep).containsKey("healthcheck"), dep + " needs a healthcheck");
                }
            });
        });
        assertEquals(Set.of("kafka", "ticdc", "tidb", "db-init"), map(services.get("routes").get("depends_on"))
                .keySet());
        assertEquals(Set.of("pd", "tikv", "tidb"), map(services.get("ticdc").get("depends_on")).keySet());
    }

    @Test
    void imagesArePinnedAndTheTiDbComponentsShareOneRelease() {
        services.forEach((name, svc) -> {
            if (svc.containsKey("build")) {
                return;
            }
            String image = String.valueOf(svc.get("image"));
            assertFalse(image.contains("$"), name + ": image must not come from the environment: " + image);
            int colon = image.lastIndexOf(':');
            assertTrue(colon > image.lastIndexOf('/'), name + ": image without a tag: " + image);
            String tag = image.substring(colon + 1);
            assertFalse(Set.of("latest", "nightly", "master", "main").contains(tag), name + ": floating tag " + image);
            assertTrue(tag.matches("v?\\d+(\\.\\d+)+.*"), name + ": tag is not a version: " + image);
        });
        Set<String> tags = new TreeSet<>();
        for (String c : TIDB_COMPONENTS) {
            String image = String.valueOf(services.get(c).get("image"));
            assertTrue(image.startsWith("pingcap/" + c + ":"), image);
            tags.add(image.substring(image.indexOf(':') + 1));
        }
        assertEquals(1, tags.size(), "pd, tikv, tidb and ticdc must run one release: " + tags);
        assertTrue(tags.iterator().next().matches("v8\\.5\\.\\d+"), "TiDB v8.5.x: " + tags);
        assertTrue(String.valueOf(services.get("kafka").get("image")).startsWith("apache/kafka:"));
    }

    @Test
    void theRoutesGetExactlyThePropertyNamesTheyRead() {
        Set<String> read = new TreeSet<>();
        Matcher m = ENV_PLACEHOLDER.matcher(properties);
        while (m.find()) {
            read.add(m.group(1));
        }
        Map<String, String> env = routesEnv();
        Set<String> unknown = new TreeSet<>(env.keySet());
        unknown.removeAll(read);
        unknown.removeAll(JVM_ENV);
        assertEquals(Set.of(), unknown, "environment of routes that application.properties never reads");
        for (String wired : List.of("KAFKA_BOOTSTRAP_SERVERS", "CDC_TOPIC", "SINK_DIR", "AUDIT_JDBC_URL",
                "AUDIT_DB_USER", "ROUTES_DIR", "ROUTES_RELOAD", "PD_URL", "TIDB_STATUS_URL", "TICDC_URL",
                "CHANGEFEED_ID", "CHANGEFEED_FILTER_RULES", "MANAGEMENT_PORT", "HEARTBEAT_ENABLED")) {
            assertTrue(env.containsKey(wired), "routes environment lacks " + wired);
        }
        assertEquals("true", effective("ROUTES_RELOAD"));
        assertEquals("true", effective("HEARTBEAT_ENABLED"));
        assertEquals("app_db.*", effective("CHANGEFEED_FILTER_RULES"), "the demo schema, not cdc_audit (a loop)");
    }

    @Test
    void theSettingsAnOperatorChangesPassThroughWithoutRestatingTheApplicationsDefault() {
        Map<String, Object> raw = map(services.get("routes").get("environment"));
        for (String setting : List.of("SINKS", "LOG_LEVEL", "CHANGEFEED_FILTER_RULES", "CHANGEFEED_APPLY_DRIFT",
                "AUDIT_DB_USER", "AUDIT_DB_PASSWORD", "AUDIT_BATCH_SIZE", "AUDIT_JDBC_URL", "HEARTBEAT_ENABLED",
                "HEARTBEAT_INTERVAL", "HEARTBEAT_STALE_AFTER", "HEARTBEAT_TABLE", "HEARTBEAT_JDBC_URL")) {
            assertTrue(raw.containsKey(setting), "routes environment lacks " + setting);
            Object value = raw.get(setting);
            assertTrue(value == null || String.valueOf(value).startsWith("${" + setting + ":-"),
                    setting + " passes through from the environment or .env: " + value);
        }
        List<String> lines = readUnchecked("docker-compose.yml").lines().toList();
        raw.forEach((name, value) -> {
            if (value != null && String.valueOf(value).startsWith("${" + name + ":-")) {
                String stated = resolve(String.valueOf(value));
                assertFalse(stated.equals(applicationDefault(name)), name + " restates the application's default "
                        + stated + "; pass it through without a value");
                assertTrue(commentAbove(lines, name).contains("# stack override"),
                        name + " differs from the application's default: mark it as a stack override");
            }
        });
    }

    @Test
    void envExampleAndComposeNameOnlyRealSettings() throws IOException {
        Set<String> listed = new TreeSet<>();
        Matcher line = Pattern.compile("(?m)^#?\\s*([A-Z][A-Z0-9_]*)=").matcher(read(".env.example"));
        while (line.find()) {
            listed.add(line.group(1));
        }
        assertTrue(listed.containsAll(List.of("SINKS", "CHANGEFEED_FILTER_RULES", "CHANGEFEED_APPLY_DRIFT",
                "LOG_LEVEL", "HOST_BIND", "HOST_PORT_KAFKA")), ".env.example lists " + listed);
        for (String name : listed) {
            assertTrue(isSetting(name), ".env.example lists " + name + ", which is no setting");
        }
        // a commented line shows what the stack runs with: the declared default, or the stack's override of it
        Matcher shown = Pattern.compile("(?m)^#([A-Z][A-Z0-9_]*)=(.*)$").matcher(read(".env.example"));
        while (shown.find()) {
            String name = shown.group(1);
            Optional<Setting> setting = Settings.byEnv(name);
            if (setting.isPresent()) {
                String composed = routesEnv().getOrDefault(name, "");
                String expected = composed.isEmpty() ? withDefaults(setting.get().defaultValue()) : composed;
                assertEquals(expected, shown.group(2), ".env.example shows " + name + " with another value than the"
                        + " stack runs with");
            }
        }
        for (String name : routesEnv().keySet()) {
            assertTrue(isSetting(name) || JVM_ENV.contains(name), "compose passes " + name + ", which is no setting");
        }
        // what compose takes from the environment for the routes, .env.example offers
        map(services.get("routes").get("environment")).forEach((name, value) -> {
            if (value == null) {
                assertTrue(listed.contains(name), ".env.example lacks " + name);
                return;
            }
            Matcher taken = INTERPOLATION.matcher(String.valueOf(value));
            while (taken.find()) {
                assertTrue(listed.contains(taken.group(1)), ".env.example lacks " + taken.group(1));
            }
        });
        String stackDoc = read("docs/compose-stack.md");
        for (String name : STACK_VARIABLES) {
            assertTrue(stackDoc.contains("`" + name + "`"), "docs/compose-stack.md documents " + name);
        }
        Matcher interpolated = INTERPOLATION.matcher(read("docker-compose.yml"));
        while (interpolated.find()) {
            assertTrue(isSetting(interpolated.group(1)), "docker-compose.yml reads " + interpolated.group(1)
                    + ", which is no setting");
        }
    }

    @Test
    void everyPortIsPublishedOnLocalhostUnlessHostBindSaysOtherwise() {
        services.forEach((name, svc) -> {
            for (String port : strings(svc.get("ports"))) {
                assertTrue(port.startsWith("${HOST_BIND:-127.0.0.1}:${HOST_PORT_"), name + " publishes " + port);
            }
        });
    }

    @Test
    void kafkasHostPortMovesWithWhatTheBrokerAdvertises() {
        String port = strings(services.get("kafka").get("ports")).get(0);
        assertEquals("${HOST_BIND:-127.0.0.1}:${HOST_PORT_KAFKA:-9092}:9092", port);
        assertTrue(env("kafka").get("KAFKA_ADVERTISED_LISTENERS").endsWith(",HOST://localhost:${HOST_PORT_KAFKA:-9092}"),
                env("kafka").get("KAFKA_ADVERTISED_LISTENERS"));
        assertTrue(env("kafka").get("KAFKA_LISTENERS").contains("HOST://0.0.0.0:9092"));
    }

    @Test
    void theRoutesKeepOneConsumerIdentityAcrossRecreation() {
        // cdc.instance-id defaults to the host name: a fixed one survives an image rebuild
        assertEquals("routes", services.get("routes").get("hostname"));
        assertFalse(routesEnv().containsKey("CDC_INSTANCE_ID"));
        assertTrue(properties.contains("cdc.instance-id = {{env:CDC_INSTANCE_ID:{{cdc.host-name}}}}"));
    }

    @Test
    void theDemoLoadStartsOnceTheChangefeedExists() {
        assertEquals("service_healthy", String.valueOf(map(map(services.get("demo-load").get("depends_on"))
                .get("routes")).get("condition")));
    }

    @Test
    void theImageBuildNeedsBuildKitAndTakesNoTestDependency() throws IOException {
        String dockerfile = read("Dockerfile");
        assertTrue(dockerfile.startsWith("# syntax=docker/dockerfile:1\n"), "first line names the syntax");
        Matcher build = Pattern.compile("RUN --mount=type=cache,target=/root/.m2 (mvn [^\\n]+)").matcher(dockerfile);
        assertTrue(build.find(), "the Maven build");
        assertTrue(build.group(1).contains("-Dmaven.test.skip=true") && build.group(1).contains("-P '!test-deps'"),
                build.group(1));
        assertFalse(build.group(1).contains(" -q") || build.group(1).contains("-ntp"), "the build shows progress");
        String pom = read("pom.xml");
        int profile = pom.indexOf("<id>test-deps</id>");
        assertTrue(profile > 0, "pom.xml has the profile test-deps");
        String outside = pom.substring(0, pom.indexOf("<profiles>"));
        assertFalse(outside.contains("<scope>test</scope>"), "every test dependency is in the profile test-deps");
    }

    @Test
    void theRoutesReachTheOtherServicesOnTheirContainerPorts() {
        Map<String, String> env = routesEnv();
        assertEquals(URI.create("http://pd:2379"), URI.create(env.get("PD_URL")));
        assertEquals(URI.create("http://tidb:10080"), URI.create(env.get("TIDB_STATUS_URL")));
        assertEquals(URI.create("http://ticdc:8300"), URI.create(env.get("TICDC_URL")));
        URI jdbc = URI.create(env.get("AUDIT_JDBC_URL").substring("jdbc:".length()));
        assertEquals("tidb:4000", jdbc.getAuthority());
        assertEquals("/cdc_audit", jdbc.getPath());
        assertTrue(advertisedListeners().containsAll(List.of(env.get("KAFKA_BOOTSTRAP_SERVERS").split(","))),
                "routes bootstrap " + env.get("KAFKA_BOOTSTRAP_SERVERS") + " not in " + advertisedListeners());
        assertTrue(published("routes").contains(env.get("MANAGEMENT_PORT")), "management port is published");
    }

    @Test
    void theChangefeedWritesToAListenerTheBrokerAdvertisesWithMatchingTopicDefaults() {
        URI sink = URI.create(changefeedSinkUri());
        assertEquals("kafka", sink.getScheme());
        assertTrue(advertisedListeners().contains(sink.getAuthority()),
                "TiCDC writes to " + sink.getAuthority() + ", the broker advertises " + advertisedListeners());
        Map<String, String> query = query(sink);
        assertEquals("canal-json", query.get("protocol"));
        assertEquals("true", query.get("enable-tidb-extension"));
        Map<String, String> kafka = env("kafka");
        assertEquals(query.get("partition-num"), kafka.get("KAFKA_NUM_PARTITIONS"), "num.partitions = partition-num");
        assertTrue(Long.parseLong(kafka.get("KAFKA_MESSAGE_MAX_BYTES")) >= Long.parseLong(query.get(
                "max-message-bytes")), "message.max.bytes >= max-message-bytes");
        assertEquals("0", kafka.get("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"));
    }

    @Test
    void kafkaIsOneKraftNodeWithAnInternalAndAHostListener() {
        Map<String, String> kafka = env("kafka");
        assertEquals("broker,controller", kafka.get("KAFKA_PROCESS_ROLES"));
        assertEquals(Set.of("kafka:29092", "localhost:9092"), new TreeSet<>(advertisedListeners()));
        assertTrue(published("kafka").contains("9092"));
    }

    @Test
    void pdIsSetUpForASingleTikv() throws IOException {
        List<String> command = strings(services.get("pd").get("command"));
        String config = command.stream().filter(a -> a.startsWith("--config=")).findFirst()
                .orElseThrow(() -> new AssertionError("pd has no --config")).substring("--config=".length());
        Path file = hostPathOf("pd", config);
        assertTrue(Files.readString(file).matches("(?s).*\\[replication]\\s*(#[^\\n]*\\n\\s*)*max-replicas\\s*=\\s*1\\b.*"),
                file + " must set [replication] max-replicas = 1");
    }

    @Test
    void mountedFilesAndFoldersExist() {
        services.forEach((name, svc) -> {
            for (String[] m : mounts(svc)) {
                if (m[0].startsWith(".")) {
                    assertTrue(Files.exists(Path.of(m[0])), name + " mounts missing " + m[0]);
                }
            }
            // a script the container runs from a mount must be mounted there
            String run = String.valueOf(svc.get("healthcheck")) + svc.get("entrypoint") + svc.get("command");
            Matcher stack = Pattern.compile("/stack/[\\w.-]+").matcher(run);
            while (stack.find()) {
                hostPathOf(name, stack.group());
            }
        });
    }

    @Test
    void pdTikvAndKafkaKeepTheirDataInNamedVolumes() {
        Set<String> declared = map(compose.get("volumes")).keySet();
        for (String[] svcAndTarget : new String[][] {{"pd", "/data"}, {"tikv", "/data"},
                {"kafka", map(services.get("kafka").get("environment")).get("KAFKA_LOG_DIRS").toString()}}) {
            String source = mounts(services.get(svcAndTarget[0])).stream().filter(m -> m[1].equals(svcAndTarget[1]))
                    .map(m -> m[0]).findFirst().orElseThrow(() -> new AssertionError(svcAndTarget[0] + " data"));
            assertTrue(declared.contains(source), svcAndTarget[0] + " data in a named volume, not " + source);
        }
    }

    @Test
    void ticdcWritesClaimCheckObjectsWhereTheRoutesReadThem() {
        Map<String, String> env = routesEnv();
        assertEquals("claim-check", env.get("CHANGEFEED_LARGE_MESSAGE"));
        String storage = env.get("CHANGEFEED_CLAIM_CHECK_STORAGE_URI").toString();
        assertTrue(storage.startsWith("file://"), storage);
        String volume = sourceOf("ticdc", storage.substring("file://".length()));
        assertTrue(map(compose.get("volumes")).containsKey(volume), "a named volume, not " + volume);
        assertEquals(volume, sourceOf("routes", env.get("CLAIM_CHECK_DIR").toString()));
        assertTrue(strings(services.get("routes").get("volumes")).contains(volume + ":" + env.get("CLAIM_CHECK_DIR")
                + ":ro"), "the routes only read the claim-check objects");
    }

    @Test
    void claimCheckObjectsArePrunedOnlyOnceKafkaHasDeletedTheRecordsThatNameThem() {
        String volume = sourceOf("ticdc", routesEnv().get("CHANGEFEED_CLAIM_CHECK_STORAGE_URI")
                .substring("file://".length()));
        List<String> entrypoint = strings(services.get("claim-check-pruner").get("entrypoint"));
        assertEquals(List.of("sh", "/stack/claim-check-prune.sh"), entrypoint.subList(0, 2));
        assertEquals(Path.of("./docker/claim-check-prune.sh"), hostPathOf("claim-check-pruner", entrypoint.get(1)));
        String dir = entrypoint.get(2);
        assertTrue(strings(services.get("claim-check-pruner").get("volumes")).contains(volume + ":" + dir),
                "the pruner deletes from the volume TiCDC writes to, so it mounts it read-write: " + volume);

        // a record is deleted at most retention + one segment roll after it was written (whole closed segments go)
        Map<String, String> kafka = env("kafka");
        long recordsLiveHours = Long.parseLong(kafka.get("KAFKA_LOG_RETENTION_HOURS"))
                + Long.parseLong(kafka.get("KAFKA_LOG_ROLL_HOURS"));
        long objectsLiveHours = Long.parseLong(env("claim-check-pruner").get("CLAIM_CHECK_RETENTION_HOURS"));
        assertTrue(objectsLiveHours > recordsLiveHours, "claim-check objects kept " + objectsLiveHours
                + " h, records can live " + recordsLiveHours + " h");
        assertHealthcheckMentions("claim-check-pruner", "/stack/claim-check-prune.sh", dir, "--healthy");
    }

    @Test
    void allServicesShareOneNetwork() {
        Map<String, Object> networks = map(compose.get("networks"));
        assertEquals(1, networks.size(), "one network");
        String net = networks.keySet().iterator().next();
        services.forEach((name, svc) -> assertEquals(List.of(net), strings(svc.get("networks")), name));
    }

    @Test
    void aComposeStopIsAGracefulCamelShutdown() {
        Duration grace = duration(String.valueOf(services.get("routes").get("stop_grace_period")));
        String fromEnv = routesEnv().get("SHUTDOWN_TIMEOUT_SECONDS");
        Matcher m = Pattern.compile("\\{\\{env:SHUTDOWN_TIMEOUT_SECONDS:(\\d+)}}").matcher(properties);
        assertTrue(m.find(), "application.properties reads SHUTDOWN_TIMEOUT_SECONDS");
        long camel = Long.parseLong(fromEnv != null ? fromEnv : m.group(1));
        assertTrue(grace.compareTo(Duration.ofSeconds(camel + 5)) >= 0,
                "stop_grace_period " + grace + " must exceed Camel's shutdown timeout " + camel + "s");
    }

    @Test
    void theRoutesAreBuiltHereAndMountTheirRoutesAndTheSink() throws IOException {
        Map<String, Object> routes = services.get("routes");
        assertEquals("Dockerfile", String.valueOf(map(routes.get("build")).get("dockerfile")));
        Map<String, String> env = routesEnv();
        assertEquals("./routes", sourceOf("routes", env.get("ROUTES_DIR")), "ROUTES_DIR is the mounted ./routes");
        assertEquals("./data/sink", sourceOf("routes", env.get("SINK_DIR")), "SINK_DIR is the mounted ./data/sink");

        String dockerfile = read("Dockerfile");
        assertTrue(dockerfile.matches("(?s).*FROM maven:3\\.9-eclipse-temurin-17 AS build.*"), "maven build stage");
        assertTrue(dockerfile.matches("(?s).*FROM eclipse-temurin:17-jre.*"), "JRE runtime stage");
        assertTrue(dockerfile.contains("package -Dmaven.test.skip=true"));
        assertTrue(dockerfile.matches("(?s).*\\nUSER (?!root|0\\b)\\S+.*"), "runs as a non-root user");
        assertTrue(dockerfile.contains("EXPOSE 8080"));
        assertTrue(dockerfile.contains("ENTRYPOINT [\"java\", \"-jar\", \"/app/routes.jar\"]"), "java is PID 1");
        assertTrue(read(".dockerignore").contains("!src/"), ".dockerignore");
    }

    @Test
    void jvmMemoryComesFromJavaToolOptionsInTheImageAndTheComposeFile() throws IOException {
        String dockerfile = read("Dockerfile");
        // the image's value as its last ENV leaves it: ${JAVA_TOOL_OPTIONS} is the value before
        Matcher env = Pattern.compile("ENV JAVA_TOOL_OPTIONS=\"([^\"]+)\"").matcher(dockerfile);
        String image = null;
        while (env.find()) {
            image = image == null ? env.group(1) : env.group(1).replace("${JAVA_TOOL_OPTIONS}", image);
        }
        assertNotNull(image, "Dockerfile sets JAVA_TOOL_OPTIONS");
        String compose = resolve(routesEnv().get("JAVA_TOOL_OPTIONS"));
        assertEquals(image, compose, "the compose default and the image agree");
        assertTrue(compose.matches(".*-Xmx\\d+m.*") && compose.contains("-XX:MaxMetaspaceSize="), compose);

        // the routes start with the class-data archive the image makes, with the memory settings they run with
        Matcher archive = Pattern.compile("-XX:SharedArchiveFile=(\\S+)").matcher(compose);
        assertTrue(archive.find(), compose);
        Matcher made = Pattern.compile("RUN .*java -XX:ArchiveClassesAtExit=(\\S+) -jar /app/routes\\.jar -d \\d+")
                .matcher(dockerfile);
        assertTrue(made.find(), "Dockerfile makes the archive");
        assertEquals(archive.group(1), made.group(1));
        assertTrue(dockerfile.indexOf("ENV JAVA_TOOL_OPTIONS") < made.start()
                && made.start() < dockerfile.lastIndexOf("ENV JAVA_TOOL_OPTIONS"), "made with the memory settings");
    }

    @Test
    void monitoringAndDemoAreProfiles() throws IOException {
        assertEquals(List.of("monitoring"), strings(services.get("prometheus").get("profiles")));
        assertEquals(List.of("monitoring"), strings(services.get("grafana").get("profiles")));
        assertEquals(List.of("demo"), strings(services.get("demo-load").get("profiles")));
        for (String core : List.of("pd", "tikv", "tidb", "ticdc", "kafka", "db-init", "routes",
                "claim-check-pruner")) {
            assertFalse(services.get(core).containsKey("profiles"), core + " starts without a profile");
        }
        String prometheus = read("monitoring/prometheus/prometheus.yml");
        for (String target : List.of("pd:2379", "tikv:20180", "tidb:10080", "ticdc:8300", "routes:8080")) {
            assertTrue(prometheus.contains("\"" + target + "\""), "prometheus.yml scrapes " + target);
        }
        assertTrue(prometheus.contains("metrics_path: /observe/metrics"));
        // rule_files are relative to the configuration: the rules must sit next to it in the container too
        assertTrue(prometheus.contains("rule_files:\n  - cdc-alerts.yml\n"), "prometheus.yml loads cdc-alerts.yml");
        assertEquals("./monitoring/prometheus/prometheus.yml", sourceOf("prometheus", "/etc/prometheus/prometheus.yml"));
        assertEquals("./" + MetricReferences.ALERTS, sourceOf("prometheus", "/etc/prometheus/cdc-alerts.yml"));
        assertTrue(read("monitoring/grafana/provisioning/datasources/prometheus.yml")
                .contains("url: http://prometheus:9090"));
    }

    @Test
    void theOperationsPageListsEveryAlertRuleAsPrometheusLoadsIt() throws IOException {
        String operations = read(MetricReferences.OPERATIONS.toString());
        List<Map<String, Object>> rules = MetricReferences.rules();
        assertFalse(rules.isEmpty());
        for (Map<String, Object> rule : rules) {
            String row = "| `" + rule.get("alert") + "` | `" + rule.get("expr") + "` | "
                    + rule.getOrDefault("for", "–") + " | " + map(rule.get("labels")).get("severity") + " |";
            assertTrue(operations.contains(row), "docs/operations.md's alerts table lacks the row " + row);
        }
        assertEquals(rules.size(), operations.lines().filter(l -> l.matches("^\\| `Cdc[A-Za-z]+` \\|.*")).count(),
                "docs/operations.md's alerts table has a row per rule and no other");
    }

    @Test
    void dbInitAppliesTheScriptsFolder() {
        assertEquals("./db_script", sourceOf("db-init", "/db_script"));
        assertTrue(Files.isExecutable(Path.of("start.sh")), "start.sh is executable");
    }

    @Test
    void theDocsTellHowToStartUseAndRepairTheStack() throws IOException {
        String readme = read("README.md");
        for (String part : List.of("## Quick start", "./start.sh", "mysql -h 127.0.0.1 -P 4000 -u root",
                "use app_db;", "update users set username = 'sagi' where id = 1;", "data/sink/app_db/users/",
                "cdc_audit.change_event", "docker compose down -v", "docs/compose-stack.md", "docs/troubleshooting.md")) {
            assertTrue(readme.contains(part), "README lacks: " + part);
        }
        String stack = read("docs/compose-stack.md");
        for (String part : List.of("## Services and ports", "## JVM settings", "JAVA_TOOL_OPTIONS", "--monitoring",
                "--demo", "docker compose down -v", "troubleshooting.md")) {
            assertTrue(stack.contains(part), "docs/compose-stack.md lacks: " + part);
        }
        for (String service : services.keySet()) {
            assertTrue(stack.contains("| `" + service + "` |"), "docs/compose-stack.md's services table lacks " + service);
        }
        String troubleshooting = read("docs/troubleshooting.md");
        for (String part : List.of("# Troubleshooting", "PD without a leader", "TiKV `Disconnected`",
                "`warning` because Kafka is unreachable", "port is already in use")) {
            assertTrue(troubleshooting.contains(part), "docs/troubleshooting.md lacks: " + part);
        }
    }

    // ---- helpers ----

    private static void assertHealthcheckMentions(String service, String... parts) {
        String test = String.join(" ", strings(map(services.get(service).get("healthcheck")).get("test")));
        for (String part : parts) {
            assertTrue(test.contains(part), service + " healthcheck should check " + part + ": " + test);
        }
    }

    private static String changefeedSinkUri() {
        String fromEnv = routesEnv().get("CHANGEFEED_SINK_URI");
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return fromEnv;
        }
        Matcher m = Pattern.compile("\\{\\{env:CHANGEFEED_SINK_URI:(kafka://[^{]*)\\{\\{cdc\\.topic}}([^}]*)}}")
                .matcher(properties);
        assertTrue(m.find(), "default of CHANGEFEED_SINK_URI in application.properties");
        return m.group(1) + "topic" + m.group(2);
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : uri.getQuery().split("&")) {
            int eq = kv.indexOf('=');
            out.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return out;
    }

    private static List<String> advertisedListeners() {
        List<String> out = new ArrayList<>();
        for (String l : resolve(env("kafka").get("KAFKA_ADVERTISED_LISTENERS")).split(",")) {
            out.add(l.substring(l.indexOf("://") + 3));
        }
        return out;
    }

    /** The routes' environment as compose sets it with nothing in the environment or .env ("" = not set). */
    private static Map<String, String> routesEnv() {
        Map<String, String> out = new LinkedHashMap<>();
        env("routes").forEach((k, v) -> out.put(k, resolve(v)));
        return out;
    }

    /** What the routes run with: compose's value, else the application's default. */
    private static String effective(String name) {
        String value = routesEnv().get(name);
        return value == null || value.isEmpty() ? applicationDefault(name) : value;
    }

    private static String applicationDefault(String name) {
        Matcher m = Pattern.compile("\\{\\{env:" + name + ":([^\\n]*)}}\\s*$", Pattern.MULTILINE).matcher(properties);
        assertTrue(m.find(), "application.properties reads " + name);
        return m.group(1);
    }

    /**
     * A name an operator may set for the stack: a setting the application declares ({@link Settings}), or one of the
     * stack's own variables, documented in docs/compose-stack.md.
     */
    private static boolean isSetting(String name) {
        return Settings.byEnv(name).isPresent() || STACK_VARIABLES.contains(name);
    }

    /** A declared default with the {{key}} of another setting replaced by that setting's default. */
    private static String withDefaults(String value) {
        return Pattern.compile("\\{\\{([a-z0-9.-]+)}}").matcher(value).replaceAll(r -> Matcher.quoteReplacement(
                Settings.all().stream().filter(s -> s.key().equals(r.group(1))).findFirst()
                        .orElseThrow(() -> new AssertionError("no setting has the key " + r.group(1))).defaultValue()));
    }

    private static Map<String, String> env(String service) {
        Object env = services.get(service).get("environment");
        assertTrue(env instanceof Map, service + ": environment as a map");
        Map<String, String> out = new LinkedHashMap<>();
        map(env).forEach((k, v) -> out.put(k, v == null ? "" : String.valueOf(v)));
        return out;
    }

    /** Published host ports' container side, e.g. "8080" for "${HOST_PORT_ROUTES:-8080}:8080". */
    private static Set<String> published(String service) {
        Set<String> out = new LinkedHashSet<>();
        for (String p : strings(services.get(service).get("ports"))) {
            out.add(p.substring(p.lastIndexOf(':') + 1));
        }
        return out;
    }

    /** Short-syntax volumes as {source, target}. */
    private static List<String[]> mounts(Map<String, Object> svc) {
        List<String[]> out = new ArrayList<>();
        for (String v : strings(svc.get("volumes"))) {
            String[] parts = v.split(":");
            out.add(new String[] {parts[0], parts[1]});
        }
        return out;
    }

    private static String sourceOf(String service, String target) {
        return mounts(services.get(service)).stream().filter(m -> m[1].equals(target)).map(m -> m[0]).findFirst()
                .orElseThrow(() -> new AssertionError(service + " mounts nothing at " + target));
    }

    /** The host file behind a path inside the container, through the service's bind mounts. */
    private static Path hostPathOf(String service, String containerPath) {
        for (String[] m : mounts(services.get(service))) {
            if (m[0].startsWith(".") && (containerPath.equals(m[1]) || containerPath.startsWith(m[1] + "/"))) {
                Path p = Path.of(m[0] + containerPath.substring(m[1].length()));
                assertTrue(Files.exists(p), service + ": " + containerPath + " -> missing " + p);
                return p;
            }
        }
        return fail(service + " uses " + containerPath + " but mounts nothing there");
    }

    private static String resolve(String value) {
        return INTERPOLATION.matcher(value).replaceAll(r -> Matcher.quoteReplacement(r.group(2) == null ? ""
                : r.group(2)));
    }

    /** Compose durations such as 45s, 1m30s, 2m. */
    private static Duration duration(String s) {
        Matcher m = Pattern.compile("(\\d+)(ms|h|m|s)").matcher(s);
        Duration d = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
            end = m.end();
        }
        assertEquals(s.length(), end, "duration " + s);
        return d;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    private static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            l.forEach(x -> out.add(String.valueOf(x)));
        } else if (o != null) {
            out.add(String.valueOf(o));
        }
        return out;
    }

    /** The comment lines right above the routes' environment entry NAME. */
    private static String commentAbove(List<String> lines, String name) {
        int at = lines.indexOf(lines.stream().filter(l -> l.matches("\\s+" + name + ": .*")).findFirst()
                .orElseThrow(() -> new AssertionError("no line " + name)));
        StringBuilder comment = new StringBuilder();
        for (int i = at - 1; i >= 0 && lines.get(i).trim().startsWith("#"); i--) {
            comment.insert(0, lines.get(i).trim() + "\n");
        }
        return comment.toString();
    }

    private static String readUnchecked(String path) {
        try {
            return read(path);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static String read(String path) throws IOException {
        return Files.readString(Path.of(path), StandardCharsets.UTF_8);
    }
}
