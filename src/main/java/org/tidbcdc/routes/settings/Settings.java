package org.tidbcdc.routes.settings;

import static org.tidbcdc.routes.settings.Group.AUDIT_DATABASE;
import static org.tidbcdc.routes.settings.Group.CLUSTER_TLS;
import static org.tidbcdc.routes.settings.Group.CONTROL_PLANE;
import static org.tidbcdc.routes.settings.Group.FILE_SINK;
import static org.tidbcdc.routes.settings.Group.KAFKA_CONSUMER;
import static org.tidbcdc.routes.settings.Group.KAFKA_SECURITY;
import static org.tidbcdc.routes.settings.Group.LARGE_ROWS;
import static org.tidbcdc.routes.settings.Group.OBSERVABILITY;
import static org.tidbcdc.routes.settings.Group.RUNTIME;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every setting of the application, declared once. This is the public API to enumerate them: {@link #all()} lists
 * each {@link Setting} (environment variable {@link Setting#env()}, property key {@link Setting#key()}, default
 * {@link Setting#defaultValue()}, {@link Setting#group()}, {@link Setting#mask()}, type, valid values, description),
 * in the order of {@code --help} and docs/configuration.md; {@link #byEnv(String)} finds one.
 * <p>
 * application.properties maps each key to its variable ({@code cdc.topic = {{env:CDC_TOPIC:ti-db-updates}}}) for the
 * YAML routes; SettingsTest holds both to the same names and defaults. {@link #check} checks every value against its
 * declaration and returns them typed; {@link #help()}, {@link #reference()} and {@link #summary} print them.
 * A new setting is a constant here and a line in application.properties; then regenerate docs/configuration.md.
 */
public final class Settings {

    private static final Logger LOG = LoggerFactory.getLogger(Settings.class);
    private static final ConfigDef CONSUMER = ConsumerConfig.configDef();
    private static final ConfigDef PRODUCER = ProducerConfig.configDef();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(cdc\\.[a-z0-9.-]+)\\}\\}");

    // ---- Kafka consumer
    public static final Setting KAFKA_BOOTSTRAP_SERVERS = s("KAFKA_BOOTSTRAP_SERVERS", "cdc.kafka.bootstrap-servers",
            KAFKA_CONSUMER, Type.hostPorts(), "localhost:9092", "The Kafka brokers to start from.");
    public static final Setting CDC_TOPIC = s("CDC_TOPIC", "cdc.topic", KAFKA_CONSUMER, Type.topic(), "ti-db-updates",
            "The topic TiCDC writes Canal-JSON to; never created by the consumer. With the control"
                    + " plane on, CHANGEFEED_SINK_URI must name the same topic.");
    public static final Setting CDC_GROUP_ID = s("CDC_GROUP_ID", "cdc.group-id", KAFKA_CONSUMER,
            Type.required("a consumer group id"), "cdc-camel-routes",
            "The consumer group; it holds the committed offsets.");
    public static final Setting CDC_DLQ_TOPIC = s("CDC_DLQ_TOPIC", "cdc.dlq-topic", KAFKA_CONSUMER, Type.topic(),
            "ti-db-updates-dlq",
            "The dead-letter topic, created by the application when absent; must differ from"
                    + " CDC_TOPIC, else a dead letter would be read back and dead-lettered again.");
    public static final Setting CDC_INSTANCE_ID = s("CDC_INSTANCE_ID", "cdc.instance-id", KAFKA_CONSUMER,
            Type.checked("a static group member id: not empty, at most 249 of letters, digits, '.', '_', '-'", v -> {
                try {
                    JoinGroupRequest.validateGroupInstanceId(v);
                    return null;
                } catch (InvalidConfigurationException e) {
                    return e.getMessage() + " (the consumer's static group membership; the default is the host name)";
                }
            }), "{{cdc.host-name}}", "group.instance.id: static group membership, so a restarted instance gets its"
                    + " partitions back at once; unique per instance, or the first of two is fenced"
                    + " ([Scaling](scaling.md#fencing)).");
    public static final Setting CDC_MAX_POLL_RECORDS = s("CDC_MAX_POLL_RECORDS", "cdc.max-poll-records",
            KAFKA_CONSUMER, Type.atLeast(1, "records"), "500", "The most records one batch holds.");
    public static final Setting CDC_POLL_TIMEOUT_MS = s("CDC_POLL_TIMEOUT_MS", "cdc.poll-timeout-ms", KAFKA_CONSUMER,
            Type.atLeast(0, "ms"), "100", "How long one poll waits for records.");
    public static final Setting CDC_BATCHING_INTERVAL_MS = s("CDC_BATCHING_INTERVAL_MS", "cdc.batching-interval-ms",
            KAFKA_CONSUMER, Type.atLeast(0, "ms"), "20",
            "A partly filled batch is processed after this long, which bounds latency.");
    public static final Setting CDC_MAX_POLL_INTERVAL_MS = s("CDC_MAX_POLL_INTERVAL_MS", "cdc.max-poll-interval-ms",
            KAFKA_CONSUMER, Type.kafka(CONSUMER, ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "ms"), "300000",
            "The longest a batch may take before the consumer leaves its group; must outlast the retry cycle.");
    public static final Setting CDC_SESSION_TIMEOUT_MS = s("CDC_SESSION_TIMEOUT_MS", "cdc.session-timeout-ms",
            KAFKA_CONSUMER, Type.atLeast(heartbeatIntervalMs() + 1, "ms"), "45000",
            "How long the group waits for a silent member; more than Kafka's heartbeat interval ("
                    + heartbeatIntervalMs() + " ms).");
    public static final Setting CDC_LEAVE_GROUP_ON_STOP = s("CDC_LEAVE_GROUP_ON_STOP", "cdc.leave-group-on-stop",
            KAFKA_CONSUMER, Type.flag(), "true",
            "On SIGTERM, leave the group once the last batch is committed, so that the other instances take its"
                    + " partitions within seconds; false: stay a member until it comes back or the session times out"
                    + " ([Scaling](scaling.md#handover-and-failover)).");
    public static final Setting CDC_AUTO_OFFSET_RESET = s("CDC_AUTO_OFFSET_RESET", "cdc.auto-offset-reset",
            KAFKA_CONSUMER, Type.kafka(CONSUMER, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, ""), "earliest",
            "Where a group without committed offsets starts.");
    public static final Setting CDC_MAX_PARTITION_FETCH_BYTES = s("CDC_MAX_PARTITION_FETCH_BYTES",
            "cdc.max-partition-fetch-bytes", KAFKA_CONSUMER,
            Type.kafka(CONSUMER, ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "bytes"), "16777216",
            "The most bytes one fetch returns per partition (a larger single record still comes whole).");
    public static final Setting CDC_FETCH_MAX_BYTES = s("CDC_FETCH_MAX_BYTES", "cdc.fetch-max-bytes", KAFKA_CONSUMER,
            Type.kafka(CONSUMER, ConsumerConfig.FETCH_MAX_BYTES_CONFIG, "bytes"), "8388608",
            "The most bytes one fetch returns over all partitions (a larger record still comes whole):"
                    + " bounds a batch's memory.");
    public static final Setting CDC_FETCH_MAX_WAIT_MS = s("CDC_FETCH_MAX_WAIT_MS", "cdc.fetch-max-wait-ms",
            KAFKA_CONSUMER, Type.kafka(CONSUMER, ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "ms"), "50",
            "The longest the broker holds a fetch when it has no new records; one fetch per broker is"
                    + " in flight, so a long wait on caught-up partitions stalls a busy one.");
    public static final Setting CDC_DLQ_MAX_REQUEST_BYTES = s("CDC_DLQ_MAX_REQUEST_BYTES",
            "cdc.dlq.max-request-bytes", KAFKA_CONSUMER,
            Type.kafka(PRODUCER, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "bytes"), "104857600",
            "The largest dead letter the producer sends; the broker enforces the topic's own limit.");

    // ---- Kafka security
    public static final Setting KAFKA_SECURITY_PROTOCOL = s("KAFKA_SECURITY_PROTOCOL", "cdc.kafka.security-protocol",
            KAFKA_SECURITY, Type.oneOf(SecurityProtocol.names()), "PLAINTEXT",
            "How every Kafka client connects: TLS (SSL), SASL, both, or neither.");
    public static final Setting KAFKA_SASL_MECHANISM = s("KAFKA_SASL_MECHANISM", "cdc.kafka.sasl-mechanism",
            KAFKA_SECURITY,
            Type.text("the broker listener's: GSSAPI, PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER"),
            "GSSAPI", "The SASL mechanism, with SASL_PLAINTEXT or SASL_SSL.");
    public static final Setting KAFKA_SASL_JAAS_CONFIG = s("KAFKA_SASL_JAAS_CONFIG", "cdc.kafka.sasl-jaas-config",
            KAFKA_SECURITY,
            Type.text("a JAAS login line, e.g. ...ScramLoginModule required username=\"…\" password=\"…\";"),
            "",
            "sasl.jaas.config, the SASL login, with SASL_PLAINTEXT or SASL_SSL.").masked(Mask.URI_CREDENTIALS);
    public static final Setting KAFKA_SSL_TRUSTSTORE_LOCATION = s("KAFKA_SSL_TRUSTSTORE_LOCATION",
            "cdc.kafka.ssl-truststore-location", KAFKA_SECURITY, Type.path("a readable file; empty: the JVM's CAs"),
            "", "The trust store of the brokers' CA, with SSL or SASL_SSL.");
    public static final Setting KAFKA_SSL_TRUSTSTORE_PASSWORD = s("KAFKA_SSL_TRUSTSTORE_PASSWORD",
            "cdc.kafka.ssl-truststore-password", KAFKA_SECURITY, Type.text("the trust store's password"), "",
            "The trust store's password.").masked(Mask.WHOLE);
    public static final Setting KAFKA_SSL_TRUSTSTORE_TYPE = s("KAFKA_SSL_TRUSTSTORE_TYPE",
            "cdc.kafka.ssl-truststore-type", KAFKA_SECURITY, Type.text("empty (JKS, reads PKCS12 too), PKCS12, PEM"),
            "", "The trust store's type; PEM for a CA certificate file such as Strimzi's ca.crt.");
    public static final Setting KAFKA_SSL_KEYSTORE_LOCATION = s("KAFKA_SSL_KEYSTORE_LOCATION",
            "cdc.kafka.ssl-keystore-location", KAFKA_SECURITY, Type.path("a readable file; empty: none"), "",
            "The client certificate and its key, for brokers that require one (mutual TLS), e.g."
                    + " Strimzi's user.p12 with type PKCS12.");
    public static final Setting KAFKA_SSL_KEYSTORE_PASSWORD = s("KAFKA_SSL_KEYSTORE_PASSWORD",
            "cdc.kafka.ssl-keystore-password", KAFKA_SECURITY, Type.text("the key store's password"), "",
            "The key store's password.").masked(Mask.WHOLE);
    public static final Setting KAFKA_SSL_KEYSTORE_TYPE = s("KAFKA_SSL_KEYSTORE_TYPE", "cdc.kafka.ssl-keystore-type",
            KAFKA_SECURITY, Type.text("empty (JKS, reads PKCS12 too), PKCS12, PEM"), "", "The key store's type.");
    public static final Setting KAFKA_SSL_KEY_PASSWORD = s("KAFKA_SSL_KEY_PASSWORD", "cdc.kafka.ssl-key-password",
            KAFKA_SECURITY, Type.text("the key's password; empty: the key store's"), "",
            "The key's own password, when it is not the key store's (a keytool -keypass).").masked(Mask.WHOLE);
    public static final Setting KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM = s(
            "KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM", "cdc.kafka.ssl-endpoint-identification-algorithm",
            KAFKA_SECURITY, Type.text("https, or empty to turn the check off"), "https",
            "Checks that a broker's certificate names its host.");
    public static final Setting KAFKA_AUTH_RETRY_INTERVAL = s("KAFKA_AUTH_RETRY_INTERVAL",
            "cdc.kafka.auth-retry-interval", KAFKA_SECURITY, Type.duration(Duration.ofMillis(1)), "30s",
            "How often a broker that refused the consumer's authentication is asked again, and a"
                    + " consumer without partitions (or without a broker) asks why and logs it.");

    // ---- Sinks
    public static final Setting SINKS = s("SINKS", "cdc.sinks", Group.SINKS,
            Type.names("sink", "sink names of a-z, 0-9 and '-', comma-separated, each once; each names a route"
                    + " cdc-sink-N"),
            "audit,file,log",
            "The sinks every change is delivered to, in run order: sink N is the route cdc-sink-N"
                    + " ([extending](extending.md)); the built-in ones are audit, file and log.");
    public static final Setting CDC_RETRY_MAX_REDELIVERIES = s("CDC_RETRY_MAX_REDELIVERIES",
            "cdc.retry.max-redeliveries", Group.SINKS, Type.atLeast(0, "retries"), "5",
            "How often a failing batch is retried before it is rewound and polled again.");
    public static final Setting CDC_RETRY_DELAY_MS = s("CDC_RETRY_DELAY_MS", "cdc.retry.delay-ms", Group.SINKS,
            Type.atLeast(0, "ms"), "500", "The first backoff between retries; each next one doubles.");
    public static final Setting CDC_RETRY_MAX_DELAY_MS = s("CDC_RETRY_MAX_DELAY_MS", "cdc.retry.max-delay-ms",
            Group.SINKS,
            Type.atLeast(0, "ms"), "10000", "The longest backoff between retries; 0: no limit.");

    // ---- Audit database
    public static final Setting AUDIT_JDBC_URL = s("AUDIT_JDBC_URL", "cdc.audit.jdbc-url", AUDIT_DATABASE,
            Type.jdbcUrl(), "jdbc:mysql://localhost:4000/cdc_audit",
            "The audit database (TiDB, MySQL or MariaDB); a URL the MySQL driver does not take stops"
                    + " startup, without printing it.")
            .masked(Mask.URI_CREDENTIALS).when("SINKS", "audit");
    public static final Setting AUDIT_DB_USER = s("AUDIT_DB_USER", "cdc.audit.user", AUDIT_DATABASE,
            Type.text("a database user"), "root", "The audit database's user.");
    public static final Setting AUDIT_DB_PASSWORD = s("AUDIT_DB_PASSWORD", "cdc.audit.password", AUDIT_DATABASE,
            Type.text("the user's password"), "", "The audit database user's password.").masked(Mask.WHOLE);
    public static final Setting AUDIT_BATCH_SIZE = s("AUDIT_BATCH_SIZE", "cdc.audit.batch-size", AUDIT_DATABASE,
            Type.atLeast(1, "rows"), "500", "The most rows one INSERT writes.");
    public static final Setting AUDIT_MAX_BATCH_BYTES = s("AUDIT_MAX_BATCH_BYTES", "cdc.audit.max-batch-bytes",
            AUDIT_DATABASE, Type.atLeast(1, "bytes"), "4194304",
            "The most bytes of text in one audit JDBC batch, kept below max_allowed_packet.");
    public static final Setting AUDIT_POOL_SIZE = s("AUDIT_POOL_SIZE", "cdc.audit.pool-size", AUDIT_DATABASE,
            Type.atLeast(1, "connections"), "2", "The audit database's connection pool size.");
    public static final Setting AUDIT_SOCKET_TIMEOUT_MS = s("AUDIT_SOCKET_TIMEOUT_MS", "cdc.audit.socket-timeout-ms",
            AUDIT_DATABASE, Type.atLeast(1, "ms"), "30000",
            "The longest an audit statement may take, sent and answered; ends an attempt against a"
                    + " database that hangs. One retry cycle of it must fit in CDC_MAX_POLL_INTERVAL_MS.");

    // ---- File sink
    public static final Setting SINK_DIR = s("SINK_DIR", "cdc.sink-dir", FILE_SINK,
            Type.required("a writable folder"), "data/sink",
            "Where the JSON Lines files are written.");

    // ---- Large rows
    public static final Setting CLAIM_CHECK_DIR = s("CLAIM_CHECK_DIR", "cdc.claim-check.dir", LARGE_ROWS,
            Type.path("a readable folder; empty: claim-check rows keep only their handle key"), "",
            "Where the routes read TiCDC's claim-check objects ([Large rows](large-rows.md)); set but"
                    + " not a readable folder: startup stops.");
    public static final Setting CLAIM_CHECK_MAX_BYTES = s("CLAIM_CHECK_MAX_BYTES", "cdc.claim-check.max-bytes",
            LARGE_ROWS, Type.atLeast(1, "bytes"), "16777216",
            "The largest claim-check object read; a larger one is dead-lettered. Its row is decoded in"
                    + " the heap, so raise the heap with it.");
    public static final Setting CHANGEFEED_LARGE_MESSAGE = s("CHANGEFEED_LARGE_MESSAGE",
            "cdc.changefeed.large-message", LARGE_ROWS, Type.text("none, handle-key-only, claim-check"), "none",
            "TiCDC's large_message_handle_option ([Large rows](large-rows.md)); checked with the"
                    + " control plane on.");
    public static final Setting CHANGEFEED_CLAIM_CHECK_STORAGE_URI = s("CHANGEFEED_CLAIM_CHECK_STORAGE_URI",
            "cdc.changefeed.claim-check-storage-uri", LARGE_ROWS,
            Type.text("with claim-check: TiCDC's external storage, e.g. s3://bucket/prefix, file:///data/claim-check"),
            "",
            "TiCDC's claim_check_storage_uri, where it stores claim-check messages; required with"
                    + " claim-check, refused with any other option.").masked(Mask.URI_CREDENTIALS);
    public static final Setting CHANGEFEED_LARGE_MESSAGE_COMPRESSION = s("CHANGEFEED_LARGE_MESSAGE_COMPRESSION",
            "cdc.changefeed.large-message-compression", LARGE_ROWS, Type.text("none, lz4, snappy"), "none",
            "How TiCDC compresses every record value; the consumer decompresses with it, control plane on or off.");

    // ---- Control plane
    public static final Setting CHANGEFEED_ENABLED = s("CHANGEFEED_ENABLED", "cdc.changefeed.enabled", CONTROL_PLANE,
            Type.flag(), "true",
            "false turns the whole control plane off: its routes (cluster-health.camel.yaml, changefeed.camel.yaml)"
                    + " are not loaded, so no polling, no changefeed, no control-plane health checks; for a topic fed"
                    + " by something else.");
    public static final Setting HEALTH_POLL_INTERVAL = s("HEALTH_POLL_INTERVAL", "cdc.health.poll-interval",
            CONTROL_PLANE, Type.duration(Duration.ofMillis(100)), "5s",
            "How often PD, TiDB, TiCDC and the changefeed are polled.");
    public static final Setting PD_URL = s("PD_URL", "cdc.pd.url", CONTROL_PLANE,
            Type.text("http(s)://host:port, several separated by commas"), "http://localhost:2379",
            "PD's client URL ([failover across members](control-plane.md#failover-across-members));"
                    + " checked with the control plane on.");
    public static final Setting TIDB_STATUS_URL = s("TIDB_STATUS_URL", "cdc.tidb.status-url", CONTROL_PLANE,
            Type.text("http(s)://host:port, several separated by commas"), "http://localhost:10080",
            "TiDB's status port.");
    public static final Setting TICDC_URL = s("TICDC_URL", "cdc.ticdc.url", CONTROL_PLANE,
            Type.text("http(s)://host:port, several separated by commas"), "http://localhost:8300", "TiCDC's API.");
    public static final Setting CHANGEFEED_ID = s("CHANGEFEED_ID", "cdc.changefeed.id", CONTROL_PLANE,
            Type.text("letters and digits in groups joined by single dashes, at most 128"), "tidb-to-kafka",
            "The changefeed this application owns.");
    public static final Setting CHANGEFEED_SINK_URI = s("CHANGEFEED_SINK_URI", "cdc.changefeed.sink-uri",
            CONTROL_PLANE, Type.text("kafka://…/<CDC_TOPIC>?protocol=canal-json&enable-tidb-extension=true…"),
            "kafka://kafka:29092/{{cdc.topic}}?protocol=canal-json&enable-tidb-extension=true&partition-num=3"
                    + "&replication-factor=1&max-message-bytes=1048576",
            "The changefeed's Kafka sink ([checked at startup](control-plane.md#settings-checked-at-startup))"
                    + " with the control plane on.").masked(Mask.URI_CREDENTIALS);
    public static final Setting CHANGEFEED_FILTER_RULES = s("CHANGEFEED_FILTER_RULES", "cdc.changefeed.filter-rules",
            CONTROL_PLANE, Type.text("TiCDC table filter rules, comma-separated; not empty"), "app_db.*",
            "The tables the changefeed captures; !cdc_audit.* is always appended last, so the audit"
                    + " table never feeds back.");
    public static final Setting CHANGEFEED_RESUME_STOPPED = s("CHANGEFEED_RESUME_STOPPED",
            "cdc.changefeed.resume-stopped", CONTROL_PLANE, Type.flag(), "false",
            "Whether a stopped changefeed is resumed; by default an operator's pause is respected.");
    public static final Setting CHANGEFEED_AUTO_RESUME = s("CHANGEFEED_AUTO_RESUME", "cdc.changefeed.auto-resume",
            CONTROL_PLANE, Type.flag(), "true", "Whether a failed changefeed is resumed.");
    public static final Setting CHANGEFEED_APPLY_DRIFT = s("CHANGEFEED_APPLY_DRIFT", "cdc.changefeed.apply-drift",
            CONTROL_PLANE, Type.flag(), "false",
            "Whether a normal changefeed's filter rules are brought to CHANGEFEED_FILTER_RULES (pause, update, resume;"
                    + " [applying filter rules](control-plane.md#applying-filter-rules-on-request-changefeed_apply_drift));"
                    + " every other difference is only reported.");
    public static final Setting CHANGEFEED_MAX_RESUMES = s("CHANGEFEED_MAX_RESUMES", "cdc.changefeed.max-resumes",
            CONTROL_PLANE, Type.atLeast(0, "resumes"), "3",
            "Resumes in a row before giving up, until the changefeed replicates again.");
    public static final Setting CHANGEFEED_RESUME_BACKOFF = s("CHANGEFEED_RESUME_BACKOFF",
            "cdc.changefeed.resume-backoff", CONTROL_PLANE, Type.duration(Duration.ZERO), "10s",
            "The wait before the 2nd resume; doubled before each further one.");
    public static final Setting CHANGEFEED_RESUME_BACKOFF_MAX = s("CHANGEFEED_RESUME_BACKOFF_MAX",
            "cdc.changefeed.resume-backoff-max", CONTROL_PLANE, Type.duration(Duration.ZERO), "5m",
            "The longest wait between resumes; at least CHANGEFEED_RESUME_BACKOFF.");
    public static final Setting CONTROL_CONNECT_TIMEOUT_MS = s("CONTROL_CONNECT_TIMEOUT_MS",
            "cdc.control.connect-timeout-ms", CONTROL_PLANE, Type.atLeast(1, "ms"), "1000",
            "How long a poll waits to connect to PD, TiDB or TiCDC.").when("CHANGEFEED_ENABLED", "true");
    public static final Setting CONTROL_RESPONSE_TIMEOUT_MS = s("CONTROL_RESPONSE_TIMEOUT_MS",
            "cdc.control.response-timeout-ms", CONTROL_PLANE, Type.atLeast(1, "ms"), "3000",
            "How long a poll waits for an answer.").when("CHANGEFEED_ENABLED", "true");
    public static final Setting CHANGEFEED_REQUEST_TIMEOUT_MS = s("CHANGEFEED_REQUEST_TIMEOUT_MS",
            "cdc.changefeed.request-timeout-ms", CONTROL_PLANE, Type.atLeast(1, "ms"), "15000",
            "How long a changefeed request waits; TiCDC connects to Kafka first.").when("CHANGEFEED_ENABLED", "true");

    // ---- Cluster TLS
    public static final Setting CLUSTER_TLS_CA = s("CLUSTER_TLS_CA", "cdc.cluster-tls.ca", CLUSTER_TLS,
            Type.path("a PEM file; empty: plain http"), "",
            "The CA certificate that signed PD's, TiDB's and TiCDC's, for a cluster with TLS; the"
                    + " three URLs are then https://.");
    public static final Setting CLUSTER_TLS_CERT = s("CLUSTER_TLS_CERT", "cdc.cluster-tls.cert", CLUSTER_TLS,
            Type.path("a PEM file, with CLUSTER_TLS_KEY; empty: none"), "",
            "The client certificate that CA signed for this application, for a cluster that verifies"
                    + " clients.");
    public static final Setting CLUSTER_TLS_KEY = s("CLUSTER_TLS_KEY", "cdc.cluster-tls.key", CLUSTER_TLS,
            Type.path("an unencrypted PEM private key file; empty: none"), "",
            "The client certificate's unencrypted key (PKCS#1, SEC1 or PKCS#8, as TiUP, cfssl and"
                    + " openssl write them).");

    // ---- Observability
    public static final Setting MANAGEMENT_PORT = s("MANAGEMENT_PORT", "camel.management.port", OBSERVABILITY,
            Type.integer(0, 65535, "port"), "8080",
            "The port of /observe/health and /observe/metrics; one another process listens on stops"
                    + " startup. 0: any free port.");
    public static final Setting READINESS = s("READINESS", "cdc.readiness", OBSERVABILITY,
            Type.oneOf(List.of("delivering", "running")), "delivering",
            "What /observe/health/ready answers. delivering: this instance delivers changes now (it holds"
                    + " partitions, the changefeed is normal, every sink takes writes). running: the process runs as it"
                    + " should, for Kubernetes ([Readiness](kubernetes.md#readiness)).");
    public static final Setting LOG_LEVEL = s("LOG_LEVEL", "cdc.log-level", OBSERVABILITY, Type.logLevel(), "INFO",
            "The level of the pipeline's own loggers: cdc.change (the log sink; DEBUG logs each change"
                    + " in full), cdc.control and org.tidbcdc.routes.");
    public static final Setting HEARTBEAT_ENABLED = s("HEARTBEAT_ENABLED", "cdc.heartbeat.enabled", OBSERVABILITY,
            Type.flag(), "false", "Whether a heartbeat row is written upstream to measure end-to-end freshness.");
    public static final Setting HEARTBEAT_INTERVAL = s("HEARTBEAT_INTERVAL", "cdc.heartbeat.interval", OBSERVABILITY,
            Type.duration(Duration.ofMillis(1)), "5s", "How often the heartbeat row is written.");
    public static final Setting HEARTBEAT_STALE_AFTER = s("HEARTBEAT_STALE_AFTER", "cdc.heartbeat.stale-after",
            OBSERVABILITY, Type.duration(Duration.ofMillis(1)), "60s",
            "How old the last heartbeat seen may be before readiness reports the pipeline stale.");
    public static final Setting HEARTBEAT_TABLE = s("HEARTBEAT_TABLE", "cdc.heartbeat.table", OBSERVABILITY,
            Type.text("database.table of letters, digits and _"), "app_db.cdc_heartbeat",
            "The upstream table the heartbeat writes; the changefeed must capture it"
                    + " (CHANGEFEED_FILTER_RULES).");
    public static final Setting HEARTBEAT_JDBC_URL = s("HEARTBEAT_JDBC_URL", "cdc.heartbeat.jdbc-url", OBSERVABILITY,
            Type.jdbcUrl(), "jdbc:mysql://localhost:4000/app_db", "The upstream TiDB the heartbeat writes to.")
            .masked(Mask.URI_CREDENTIALS).when("HEARTBEAT_ENABLED", "true");
    public static final Setting HEARTBEAT_DB_USER = s("HEARTBEAT_DB_USER", "cdc.heartbeat.user", OBSERVABILITY,
            Type.text("a database user"), "root",
            "The heartbeat's database user; needs INSERT and UPDATE on the table.");
    public static final Setting HEARTBEAT_DB_PASSWORD = s("HEARTBEAT_DB_PASSWORD", "cdc.heartbeat.password",
            OBSERVABILITY, Type.text("the user's password"), "", "The heartbeat user's password.").masked(Mask.WHOLE);

    // ---- Runtime
    public static final Setting ROUTES_DIR = s("ROUTES_DIR", "cdc.routes-dir", RUNTIME,
            Type.path("a folder with *.camel.yaml files"), "routes", "Where the YAML routes are read from.");
    public static final Setting ROUTES_RELOAD = s("ROUTES_RELOAD", "camel.main.routes-reload-enabled", RUNTIME,
            Type.flag(), "false", "Whether an edited YAML route is reloaded while running.");
    public static final Setting DECODE_THREADS = s("DECODE_THREADS", "cdc.decode-threads", RUNTIME,
            Type.atLeast(1, "threads"), "2",
            "Threads that decode a batch and render what the sinks write, the consumer thread"
                    + " included; results are applied in offset order.");
    public static final Setting SHUTDOWN_TIMEOUT_SECONDS = s("SHUTDOWN_TIMEOUT_SECONDS", "camel.main.shutdown-timeout",
            RUNTIME, Type.atLeast(1, "seconds"), "30",
            "How long a graceful stop waits: the batch in flight finishes and is committed.");

    private static final List<Setting> ALL = declared();

    /** The reference's text before the tables. */
    private static final String INTRO = """
            Every setting of the routes is an environment variable with a default. This page lists them all, grouped \
            by what they configure; `java -jar routes.jar --help` lists the same. The other pages link here and do \
            not repeat the list.

            ## How settings are read

            - Each setting is read from its environment variable, under that name only. Camel's own mappings are \
            off: `CDC_SINKS` does not set `SINKS`, and `CAMEL_MAIN_*`, `CAMEL_COMPONENT_*` variables and `-Dcamel.*` \
            system properties configure nothing. A setting that is renamed keeps its old name as a deprecated alias, \
            with a WARN naming the new one.
            - `src/main/resources/application.properties` wires each variable as `{{env:NAME:default}}` for the YAML \
            routes; a test holds it to the names and defaults on this page.
            - Durations are written as Camel writes them: digits with the units `d`, `h`, `m`, `s` and `ms` in that \
            order (`5s`, `1m30s`, `500ms`), or digits alone for milliseconds. Anything else (`5 s`, `PT5S`, \
            `5seconds`) stops startup: Camel's own parser would read some of those as no time at all.
            - A flag takes `true` or `false` only: `yes` stops startup rather than being read as false.
            - Startup logs one summary of the effective values, a line per group; `*` marks a setting that is not \
            at its default. Masked values (masking `whole`: passwords; `uri-credentials`: the userinfo of a URI and \
            its parameters named like password, secret, key or token) show as `******` there, in `--help` and in \
            every error.

            ### What startup checks

            A value the routes cannot use stops startup within seconds, with exit code 2 and one line that starts \
            with the variable's name, without a stack trace, for example `CDC_MAX_POLL_RECORDS: must be at least 1, \
            got 0`. Each value is checked against the type and the valid values below before anything starts; the \
            Kafka consumer's and producer's settings take their ranges from Kafka's own definitions \
            (`CDC_FETCH_MAX_WAIT_MS: must be at least 0, got -5`). Rules between settings are checked as the \
            application starts and name every setting involved: `CDC_DLQ_TOPIC` must differ from `CDC_TOPIC`, and \
            one retry cycle against a hanging audit database (`AUDIT_SOCKET_TIMEOUT_MS`, `CDC_RETRY_*`) must fit in \
            `CDC_MAX_POLL_INTERVAL_MS`. A bootstrap host name that does not resolve stops startup naming \
            `KAFKA_BOOTSTRAP_SERVERS`; a broker that resolves but does not answer is waited for, with a WARN every \
            `KAFKA_AUTH_RETRY_INTERVAL`. The Kafka security settings have checks of their own \
            ([Kafka security](kafka-security.md#startup-checks)), and so does the control plane \
            ([Control plane](control-plane.md#settings-checked-at-startup)).

            """;

    private Settings() {
    }

    /** Every setting, in the order of {@code --help} and docs/configuration.md: by group, then as declared. */
    public static List<Setting> all() {
        return ALL;
    }

    /** The setting of an environment variable (not of a deprecated alias). */
    public static Optional<Setting> byEnv(String env) {
        return ALL.stream().filter(s -> s.env().equals(env)).findFirst();
    }

    /**
     * Checks every value against its declaration, in the order of {@link #all()}, and returns them typed.
     *
     * @param property a property key's value, placeholders resolved (as the routes see it)
     * @throws IllegalArgumentException one line that starts with the variable's name
     */
    public static SettingValues check(UnaryOperator<String> property) {
        return check(ALL, property);
    }

    static SettingValues check(List<Setting> settings, UnaryOperator<String> property) {
        Map<String, String> raw = new LinkedHashMap<>();
        for (Setting s : settings) {
            String v = property.apply(s.key());
            raw.put(s.env(), v == null ? "" : v);
        }
        Map<String, Object> typed = new LinkedHashMap<>();
        for (Setting s : settings) {
            if (s.checkedWhen().holds(raw::get)) {
                typed.put(s.env(), s.parse(raw.get(s.env())));
            }
        }
        return new SettingValues(settings, raw, typed);
    }

    /**
     * The values the environment gives, as application.properties would resolve them: the variable, else a deprecated
     * alias (with a WARN naming the new name), else the default with {@code {{cdc.…}}} placeholders resolved.
     *
     * @param hostName the default of CDC_INSTANCE_ID
     */
    public static UnaryOperator<String> fromEnvironment(Map<String, String> env, String hostName) {
        return fromEnvironment(ALL, env, hostName);
    }

    static UnaryOperator<String> fromEnvironment(List<Setting> settings, Map<String, String> env, String hostName) {
        Map<String, String> byKey = new LinkedHashMap<>();
        Map<String, String> aliased = aliasValues(settings, env, false);
        for (Setting s : settings) {
            byKey.put(s.key(), env.containsKey(s.env()) ? env.get(s.env())
                    : aliased.getOrDefault(s.key(), s.defaultValue()));
        }
        byKey.put("cdc.host-name", hostName);
        return key -> resolve(byKey, key, 0);
    }

    private static String resolve(Map<String, String> byKey, String key, int depth) {
        String v = byKey.getOrDefault(key, "");
        if (depth > 5) {
            return v;
        }
        Matcher m = PLACEHOLDER.matcher(v);
        return m.replaceAll(r -> Matcher.quoteReplacement(resolve(byKey, r.group(1), depth + 1)));
    }

    /**
     * The values set under a deprecated alias whose new name is not set, by property key, each with a WARN that
     * names the new variable; application.properties reads only the new names, so these are handed to camel-main.
     */
    public static Map<String, String> aliasValues(List<Setting> settings, Map<String, String> env) {
        return aliasValues(settings, env, true);
    }

    private static Map<String, String> aliasValues(List<Setting> settings, Map<String, String> env, boolean warn) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Setting s : settings) {
            for (String old : s.aliases()) {
                if (!env.containsKey(old)) {
                    continue;
                }
                if (env.containsKey(s.env())) {
                    if (warn) {
                        LOG.warn("{} is deprecated and ignored: {} is set too", old, s.env());
                    }
                } else if (!out.containsKey(s.key())) {
                    if (warn) {
                        LOG.warn("{} is deprecated: set {} instead", old, s.env());
                    }
                    out.put(s.key(), env.get(old));
                }
            }
        }
        return out;
    }

    /** The settings by group, each with its default and valid values, as {@code --help} prints them. */
    public static String help() {
        StringBuilder out = new StringBuilder(
                "Settings (environment variables; docs/configuration.md has them all):\n");
        Group group = null;
        for (Setting s : ALL) {
            if (s.group() != group) {
                group = s.group();
                out.append('\n').append(group.title()).append('\n');
            }
            // the reference's links, as their text
            out.append(String.format("  %-44s %s%n", s.env(), s.description().replaceAll("\\[([^]]+)]\\([^)]+\\)",
                    "$1")));
            out.append(String.format("  %-44s default: %s; valid: %s%s%n", "",
                    s.shownDefault().isEmpty() ? "(empty)" : s.shown(s.shownDefault()), s.type().valid(),
                    s.type().unit().isEmpty() ? "" : " (" + s.type().unit() + ")"));
        }
        return out.toString();
    }

    /**
     * docs/configuration.md, generated: {@code java -jar target/routes.jar --settings-reference >
     * docs/configuration.md}.
     */
    public static String reference() {
        StringBuilder out = new StringBuilder();
        out.append("# Configuration\n\n")
                .append("<!-- Generated from src/main/java/org/tidbcdc/routes/settings/Settings.java; do not edit.\n")
                .append("     Regenerate: mvn -q package -DskipTests && java -jar target/routes.jar"
                        + " --settings-reference > docs/configuration.md -->\n\n")
                .append(INTRO).append("## Settings by group\n\n");
        for (Group g : Group.values()) {
            out.append("- [").append(g.title()).append("](#").append(g.title().toLowerCase(java.util.Locale.ROOT)
                    .replace(' ', '-')).append(")\n");
        }
        for (Group g : Group.values()) {
            out.append("\n## ").append(g.title()).append("\n\n").append(g.summary()).append("\n\n")
                    .append("| Variable | Type | Default | Valid values | Description |\n")
                    .append("|---|---|---|---|---|\n");
            for (Setting s : ALL) {
                if (s.group() != g) {
                    continue;
                }
                String type = s.type().name() + (s.type().unit().isEmpty() ? "" : " (" + s.type().unit() + ")");
                String notes = s.description()
                        + (s.checkedWhen().env() == null ? "" : " Checked only when " + s.checkedWhen().env()
                                + (s.checkedWhen().env().equals("SINKS") ? " lists " : " is ")
                                + s.checkedWhen().value() + ".")
                        + (s.mask() == Mask.NONE ? "" : " Masked: " + s.mask().label() + ".")
                        + (s.aliases().isEmpty() ? "" : " Formerly " + String.join(", ", s.aliases()) + ".");
                out.append("| `").append(s.env()).append("` | ").append(type).append(" | ")
                        .append(s.shownDefault().isEmpty() ? "(empty)" : "`" + s.shownDefault() + "`").append(" | ")
                        .append(cell(s.type().valid())).append(" | ").append(cell(notes)).append(" |\n");
            }
        }
        return out.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    /** One compact summary of the effective values, masked as declared: a line per group. */
    public static String summary(SettingValues values) {
        StringBuilder out = new StringBuilder("Settings (*: not the default):");
        Group group = null;
        for (Setting s : values.settings()) {
            if (s.group() != group) {
                group = s.group();
                out.append("\n  ").append(group.title()).append(':');
            }
            String v = values.raw(s);
            out.append(' ');
            if (!v.equals(s.defaultValue()) && !s.defaultValue().contains("{{")) {
                out.append('*');
            }
            out.append(s.env()).append('=').append(s.shown(v));
        }
        return out.toString();
    }

    /** The heartbeat interval the consumer uses: Kafka's default; the session timeout must be longer. */
    private static int heartbeatIntervalMs() {
        return CONSUMER.defaultValues().get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG) instanceof Integer i
                ? i : 3000;
    }

    private static Setting s(String env, String key, Group group, Type type, String defaultValue, String description) {
        return new Setting(env, key, group, type, defaultValue, description, Mask.NONE, Setting.Condition.ALWAYS,
                List.of());
    }

    /**
     * The constants above, by group in the order of {@link Group}, then in the order declared (the order the JVM
     * lists a class's fields in, which is the source order; SettingsTest would show a change in docs/configuration.md).
     */
    private static List<Setting> declared() {
        List<Setting> settings = new ArrayList<>();
        for (Field f : Settings.class.getDeclaredFields()) {
            if (f.getType() == Setting.class && Modifier.isStatic(f.getModifiers())) {
                try {
                    settings.add((Setting) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        settings.sort(java.util.Comparator.comparing(Setting::group));
        return List.copyOf(settings);
    }
}
