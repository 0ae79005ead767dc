package org.tidbcdc.routes.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.tidbcdc.routes.testsupport.LogCapture;

class SettingsTest {

    static final String SENTINEL = "S3NT1NEL-secret";

    /** Every declared setting checked, as the environment {@code env} (variable, value, …) gives them. */
    static SettingValues check(String... env) {
        Map<String, String> e = new HashMap<>();
        for (int i = 0; i < env.length; i += 2) {
            e.put(env[i], env[i + 1]);
        }
        return Settings.check(Settings.fromEnvironment(e, "test-host"));
    }

    @Test
    void everySettingIsDeclaredOnceWithAGroupADescriptionAndAValidRange() {
        List<Setting> all = Settings.all();
        assertThat(all).hasSizeGreaterThanOrEqualTo(76);
        assertThat(all.stream().map(Setting::env).distinct()).hasSameSizeAs(all);
        assertThat(all.stream().map(Setting::key).distinct()).hasSameSizeAs(all);
        for (Setting s : all) {
            assertThat(s.env()).as(s.env()).matches("[A-Z][A-Z0-9_]*");
            assertThat(s.description()).as(s.env()).isNotBlank().doesNotContain("\n");
            assertThat(s.type().valid()).as(s.env()).isNotBlank();
        }
        // by group, in the order of Group
        assertThat(all.stream().map(Setting::group).toList()).isSorted();
    }

    @Test
    void everyDefaultPassesItsOwnCheck() {
        SettingValues values = check();
        assertThat(values.integer(Settings.CDC_MAX_POLL_RECORDS)).isEqualTo(500);
        assertThat(values.duration(Settings.HEALTH_POLL_INTERVAL)).isEqualTo(Duration.ofSeconds(5));
        assertThat(values.flag(Settings.CHANGEFEED_ENABLED)).isTrue();
        assertThat(values.names(Settings.SINKS)).containsExactly("log", "file", "audit");
        assertThat(values.text(Settings.CDC_INSTANCE_ID)).isEqualTo("test-host");
        assertThat(values.text(Settings.CHANGEFEED_SINK_URI)).startsWith("kafka://kafka:29092/ti-db-updates?");
    }

    /**
     * application.properties maps each property key the routes read to its variable, for the YAML routes: the same
     * names and defaults as the declaration, one line each, so that the two cannot drift apart.
     */
    @Test
    void applicationPropertiesMapsEachDeclaredKeyToItsVariableWithTheDeclaredDefault() throws Exception {
        Properties properties = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            properties.load(r);
        }
        Map<String, String> placeholders = new LinkedHashMap<>();
        for (String key : properties.stringPropertyNames()) {
            String value = properties.getProperty(key).strip();
            if (value.startsWith("{{env:")) {
                assertThat(value).as(key).endsWith("}}");
                placeholders.put(key, value);
            }
        }
        Map<String, String> declared = Settings.all().stream().collect(Collectors.toMap(Setting::key,
                s -> "{{env:" + s.env() + ":" + s.defaultValue() + "}}"));
        assertThat(placeholders).isEqualTo(declared);
    }

    @Test
    void eachBadValueOfTheIssueStopsStartupWithOneLineNamingItsVariable() {
        Map<List<String>, String> cases = new LinkedHashMap<>();
        cases.put(List.of("CDC_MAX_POLL_RECORDS", "0"), "CDC_MAX_POLL_RECORDS: must be at least 1, got 0");
        cases.put(List.of("AUDIT_BATCH_SIZE", "-1"), "AUDIT_BATCH_SIZE: must be at least 1, got -1");
        cases.put(List.of("CDC_FETCH_MAX_WAIT_MS", "-5"), "CDC_FETCH_MAX_WAIT_MS: must be at least 0, got -5");
        cases.put(List.of("HEALTH_POLL_INTERVAL", "5seconds"), "HEALTH_POLL_INTERVAL: expected a positive duration"
                + " such as 5s, 1m30s or 500ms, got '5seconds'");
        cases.put(List.of("LOG_LEVEL", "LOUD"),
                "LOG_LEVEL: 'LOUD' is not a log level; use ERROR, WARN, INFO, DEBUG or TRACE");
        cases.put(List.of("ROUTES_RELOAD", "yes"), "ROUTES_RELOAD: expected true or false, got 'yes'");
        cases.put(List.of("KAFKA_SECURITY_PROTOCOL", "FOO"),
                "KAFKA_SECURITY_PROTOCOL: must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL, got 'FOO'");
        cases.put(List.of("AUDIT_SOCKET_TIMEOUT_MS", "abc"), "AUDIT_SOCKET_TIMEOUT_MS: expected a whole number,"
                + " got 'abc'");
        cases.put(List.of("CDC_AUTO_OFFSET_RESET", "sometimes"),
                "CDC_AUTO_OFFSET_RESET: must be one of latest, earliest, none, got 'sometimes'");
        cases.put(List.of("DECODE_THREADS", "0"), "DECODE_THREADS: must be at least 1, got 0");
        cases.put(List.of("CLAIM_CHECK_MAX_BYTES", "-1"), "CLAIM_CHECK_MAX_BYTES: must be at least 1, got -1");
        cases.put(List.of("HEARTBEAT_ENABLED", "true", "HEARTBEAT_INTERVAL", "x"),
                "HEARTBEAT_INTERVAL: expected a positive duration such as 5s, 1m30s or 500ms, got 'x'");
        // and the other checks of before
        cases.put(List.of("HEALTH_POLL_INTERVAL", "5"), "HEALTH_POLL_INTERVAL: must be at least 100ms, got '5'; a"
                + " number without a unit is milliseconds, write 5s for five seconds");
        cases.put(List.of("CHANGEFEED_RESUME_BACKOFF", "PT5S"),
                "CHANGEFEED_RESUME_BACKOFF: expected a duration such as 5s, 1m30s or 500ms, got 'PT5S'");
        cases.put(List.of("CHANGEFEED_ENABLED", "yes"), "CHANGEFEED_ENABLED: expected true or false, got 'yes'");
        cases.put(List.of("CHANGEFEED_MAX_RESUMES", "-1"), "CHANGEFEED_MAX_RESUMES: must be at least 0, got -1");
        cases.put(List.of("CONTROL_CONNECT_TIMEOUT_MS", "0"), "CONTROL_CONNECT_TIMEOUT_MS: must be at least 1, got 0");
        cases.put(List.of("CDC_MAX_POLL_INTERVAL_MS", "0"), "CDC_MAX_POLL_INTERVAL_MS: must be at least 1, got 0");
        cases.put(List.of("CDC_MAX_PARTITION_FETCH_BYTES", "16MB"),
                "CDC_MAX_PARTITION_FETCH_BYTES: expected a whole number, got '16MB'");
        cases.put(List.of("CDC_DLQ_MAX_REQUEST_BYTES", "lots"),
                "CDC_DLQ_MAX_REQUEST_BYTES: expected a whole number, got 'lots'");
        cases.put(List.of("CDC_SESSION_TIMEOUT_MS", "3000"), "CDC_SESSION_TIMEOUT_MS: must be at least 3001, got 3000");
        cases.put(List.of("KAFKA_BOOTSTRAP_SERVERS", "kafka-1"), "KAFKA_BOOTSTRAP_SERVERS: 'kafka-1' is not"
                + " host:port, such as kafka:9092 (several are separated by commas)");
        cases.put(List.of("KAFKA_BOOTSTRAP_SERVERS", " "), "KAFKA_BOOTSTRAP_SERVERS: must not be empty; e.g."
                + " kafka:9092");
        cases.put(List.of("CDC_GROUP_ID", ""), "CDC_GROUP_ID: must not be empty");
        cases.put(List.of("CDC_TOPIC", "ti db"), "CDC_TOPIC: Topic name is invalid: 'ti db' contains one or more"
                + " characters other than ASCII alphanumerics, '.', '_' and '-'");
        cases.put(List.of("MANAGEMENT_PORT", "70000"), "MANAGEMENT_PORT: must be at most 65535, got 70000");
        cases.put(List.of("SHUTDOWN_TIMEOUT_SECONDS", "0"), "SHUTDOWN_TIMEOUT_SECONDS: must be at least 1, got 0");
        cases.put(List.of("KAFKA_AUTH_RETRY_INTERVAL", "0s"), "KAFKA_AUTH_RETRY_INTERVAL: expected a positive"
                + " duration such as 5s, 1m30s or 500ms, got '0s'");
        cases.put(List.of("SINKS", "log,log"),
                "SINKS: names must match [a-z0-9-]+ and appear once, got [log] in 'log,log'");
        cases.put(List.of("SINK_DIR", ""), "SINK_DIR: must not be empty");
        cases.put(List.of("AUDIT_JDBC_URL", "jdbc:postgresql://db/audit"), "AUDIT_JDBC_URL: no JDBC driver of this"
                + " application takes this URL; expected jdbc:mysql://host:port/database");
        cases.forEach((env, line) -> assertThatThrownBy(() -> check(env.toArray(String[]::new))).as(env.toString())
                .isInstanceOf(IllegalArgumentException.class).hasMessage(line));
    }

    @Test
    void aValueThatIsNotUsedIsNotChecked() {
        // as before the declaration: the control plane's timeouts with it off, the audit URL without the audit sink
        assertThatCode(() -> check("CHANGEFEED_ENABLED", "false", "CONTROL_CONNECT_TIMEOUT_MS", "0"))
                .doesNotThrowAnyException();
        assertThatCode(() -> check("SINKS", "log,file", "AUDIT_JDBC_URL", "postgres")).doesNotThrowAnyException();
        assertThatThrownBy(() -> check("SINKS", "file,AUDIT", "AUDIT_JDBC_URL", "postgres"))
                .hasMessageStartingWith("AUDIT_JDBC_URL: ");
    }

    @Test
    void durationsAreWrittenAsCamelWritesThem() {
        Setting s = Settings.HEARTBEAT_INTERVAL;
        assertThat(s.parse("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(s.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(s.parse("2000")).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.parse("1h2m3s500ms")).isEqualTo(Duration.ofMillis(3_723_500));
        assertThat(s.parse(" 1d ")).isEqualTo(Duration.ofDays(1));
        for (String bad : new String[] {"0", "0s", "soon", "", "-5s"}) {
            assertThatThrownBy(() -> s.parse(bad)).as(bad)
                    .hasMessageStartingWith("HEARTBEAT_INTERVAL: expected a positive duration");
        }
        Setting backoff = Settings.CHANGEFEED_RESUME_BACKOFF;
        assertThat(backoff.parse("0s")).isEqualTo(Duration.ZERO);
        // Camel's own parser reads x, PT5S, 5S and -5s as zero, and 5s5 as 5s
        for (String bad : new String[] {"x", "ten seconds", "PT5S", "5S", "-5s", "1m 30s", "5seconds", "5s5"}) {
            assertThatThrownBy(() -> backoff.parse(bad)).as(bad)
                    .hasMessage("CHANGEFEED_RESUME_BACKOFF: expected a duration such as 5s, 1m30s or 500ms, got '"
                            + bad + "'");
        }
    }

    @Test
    void aFlagIsTrueOrFalseAndAnythingElseStopsStartupInsteadOfReadingAsFalse() {
        assertThat(Settings.CHANGEFEED_ENABLED.parse(" TRUE")).isEqualTo(true);
        assertThat(Settings.CHANGEFEED_ENABLED.parse("false")).isEqualTo(false);
        for (String bad : new String[] {"yes", "1", "on", ""}) {
            assertThatThrownBy(() -> Settings.CHANGEFEED_ENABLED.parse(bad)).as(bad)
                    .hasMessage("CHANGEFEED_ENABLED: expected true or false, got '" + bad + "'");
        }
    }

    @Test
    void theStaticMemberIdFollowsKafkasRule() {
        assertThatThrownBy(() -> check("CDC_INSTANCE_ID", "pod/0")).hasMessageStartingWith("CDC_INSTANCE_ID: ")
                .hasMessageContaining("pod/0");
    }

    @Test
    void credentialsAreMaskedAsDeclared() {
        assertThat(Mask.WHOLE.apply("hunter2")).isEqualTo("******");
        assertThat(Mask.WHOLE.apply("")).isEmpty();
        Mask uri = Mask.URI_CREDENTIALS;
        assertThat(uri.apply("jdbc:mysql://app:pw@tidb:4000/db?user=app&password=pw&sslMode=REQUIRED"))
                .isEqualTo("jdbc:mysql://******@tidb:4000/db?user=app&password=******&sslMode=REQUIRED");
        assertThat(uri.apply("s3://bucket/prefix?access-key=AK&secret-access-key=SK&endpoint=http://minio:9000"))
                .isEqualTo("s3://bucket/prefix?access-key=******&secret-access-key=******&endpoint=http://minio:9000");
        assertThat(uri.apply("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\""
                + " password=\"p w\";")).isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule"
                        + " required username=\"u\" password=******;");
        assertThat(uri.apply("kafka://k:9092/t?protocol=canal-json&sasl-password=x&sasl-oauth-token=y"))
                .isEqualTo("kafka://k:9092/t?protocol=canal-json&sasl-password=******&sasl-oauth-token=******");
    }

    /** A sentinel secret in every setting that holds one appears in neither the summary, --help nor an error line. */
    @Test
    void aSecretInAnySettingAppearsInNoSummaryHelpOrErrorLine() {
        Map<String, String> env = new HashMap<>();
        for (Setting s : Settings.all()) {
            env.put(s.env(), secretValue(s));
        }
        // only the masked ones: the others are shown as they are, by design
        env.keySet().removeIf(name -> Settings.byEnv(name).orElseThrow().mask() == Mask.NONE);
        SettingValues values = Settings.check(Settings.fromEnvironment(env, "test-host"));
        assertThat(Settings.summary(values)).doesNotContain(SENTINEL).contains("AUDIT_DB_PASSWORD=******");
        assertThat(Settings.help()).doesNotContain(SENTINEL);
        for (Setting s : Settings.all()) {
            if (s.mask() == Mask.NONE) {
                continue;
            }
            // a value its check refuses, holding the secret
            for (String bad : List.of(SENTINEL, "jdbc:postgresql://u:" + SENTINEL + "@db/x?password=" + SENTINEL)) {
                try {
                    s.parse(bad);
                } catch (IllegalArgumentException e) {
                    assertThat(e.getMessage()).as(s.env()).startsWith(s.env() + ": ").doesNotContain(SENTINEL);
                }
            }
        }
    }

    static String secretValue(Setting s) {
        return switch (s.mask()) {
            case WHOLE -> SENTINEL;
            case URI_CREDENTIALS -> s.env().endsWith("JDBC_URL")
                    ? "jdbc:mysql://u:" + SENTINEL + "@db:4000/x?password=" + SENTINEL
                    : s.env().equals("KAFKA_SASL_JAAS_CONFIG")
                            ? "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\""
                                    + " password=\"" + SENTINEL + "\";"
                            : "s3://u:" + SENTINEL + "@bucket/p?secret-access-key=" + SENTINEL;
            case NONE -> s.defaultValue();
        };
    }

    @Test
    void aDeprecatedAliasStillWorksWithAWarnNamingTheNewName() {
        Setting renamed = new Setting("CDC_TOPIC", "cdc.topic", Group.KAFKA_CONSUMER, Type.topic(), "t", "d",
                Mask.NONE, Setting.Condition.ALWAYS, List.of()).formerly("KAFKA_TOPIC");
        try (LogCapture log = LogCapture.of(Settings.class.getName())) {
            assertThat(Settings.aliasValues(List.of(renamed), Map.of("KAFKA_TOPIC", "old")))
                    .containsExactly(Map.entry("cdc.topic", "old"));
            assertThat(Settings.fromEnvironment(List.of(renamed), Map.of("KAFKA_TOPIC", "old"), "h")
                    .apply("cdc.topic")).isEqualTo("old");
            // the new name wins
            assertThat(Settings.aliasValues(List.of(renamed), Map.of("KAFKA_TOPIC", "old", "CDC_TOPIC", "new")))
                    .isEmpty();
            // once each: reading the environment for the checks does not warn again
            assertThat(log.lines()).containsExactly("WARN KAFKA_TOPIC is deprecated: set CDC_TOPIC instead",
                    "WARN KAFKA_TOPIC is deprecated and ignored: CDC_TOPIC is set too");
        }
    }

    @Test
    void helpListsEverySettingByGroupWithItsDefaultAndValidValues() {
        String help = Settings.help();
        for (Setting s : Settings.all()) {
            assertThat(help).contains(s.env());
        }
        for (Group g : Group.values()) {
            assertThat(help).contains("\n" + g.title() + "\n");
        }
        assertThat(help).contains("default: 500; valid: 1 or more (records)");
    }

    @Test
    void docsConfigurationMdIsGeneratedFromTheDeclaration() throws Exception {
        String reference = Settings.reference();
        for (Setting s : Settings.all()) {
            assertThat(reference).contains("| `" + s.env() + "` |");
        }
        Path doc = Path.of("docs/configuration.md");
        assertThat(Files.exists(doc) ? Files.readString(doc) : "")
                .as("docs/configuration.md is stale; regenerate it: mvn -q package -DskipTests && java -jar"
                        + " target/routes.jar --settings-reference > docs/configuration.md")
                .isEqualTo(reference);
    }
}
