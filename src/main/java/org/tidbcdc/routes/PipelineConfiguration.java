package org.tidbcdc.routes;

import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.spi.Registry;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.tidbcdc.routes.PipelineSettings.Sink;
import org.tidbcdc.routes.canal.CanalDecoder;
import org.tidbcdc.routes.canal.ChangeEvent;
import org.tidbcdc.routes.canal.ClaimCheckStore;
import org.tidbcdc.routes.canal.ValueCompression;
import org.tidbcdc.routes.consume.AuthenticationRetry;
import org.tidbcdc.routes.consume.DeadLetterHistory;
import org.tidbcdc.routes.consume.DeadLetterTopic;
import org.tidbcdc.routes.consume.DeadLetters;
import org.tidbcdc.routes.consume.DeliveryHealthCheck;
import org.tidbcdc.routes.consume.DeliveryState;
import org.tidbcdc.routes.consume.KafkaClientSettings;
import org.tidbcdc.routes.consume.KafkaSecurity;
import org.tidbcdc.routes.consume.NoBlankKeyPasswordClientFactory;
import org.tidbcdc.routes.consume.OffsetCursor;
import org.tidbcdc.routes.consume.RecordDecoder;
import org.tidbcdc.routes.consume.Watermarks;
import org.tidbcdc.routes.observe.ObservabilityBeans;
import org.tidbcdc.routes.sink.AuditDatabaseHealthCheck;
import org.tidbcdc.routes.sink.AuditRows;
import org.tidbcdc.routes.sink.ChangeLog;
import org.tidbcdc.routes.sink.FileSinkHealthCheck;
import org.tidbcdc.routes.sink.JsonLinesSink;
import org.tidbcdc.routes.sink.OncePerQueryStatementStrategy;
import org.tidbcdc.routes.sink.StatementDeadline;

/**
 * Builds the data plane's beans from the settings and binds them under the names the YAML routes use. Invalid
 * settings throw here, which stops startup before any route consumes.
 */
@Configuration
public class PipelineConfiguration implements CamelConfiguration {

    /** The longest a sink waits for a pool connection, and for a new one to connect. */
    static final int CONNECTION_TIMEOUT_MS = 3000;
    private static final int HEARTBEAT_SOCKET_TIMEOUT_MS = 60_000;

    @Override
    public void configure(CamelContext context) {
        PipelineSettings settings = new PipelineSettings(
                property(context, "cdc.sinks"), property(context, "cdc.audit.batch-size"),
                property(context, "cdc.audit.max-batch-bytes"), property(context, "cdc.max-poll-records"),
                property(context, "cdc.sink-dir"), property(context, "cdc.routes-dir"),
                property(context, "cdc.decode-threads"));
        PipelineSettings.checkLogLevel(property(context, "cdc.log-level"));
        // camel-main reads it only when it stops: a bad value would have failed the graceful shutdown
        PipelineSettings.atLeast("SHUTDOWN_TIMEOUT_SECONDS", property(context, "camel.main.shutdown-timeout"), 1);
        Registry registry = context.getRegistry();
        registry.bind("pipelineSettings", settings);

        DeliveryState delivery = new DeliveryState();
        Watermarks watermarks = new Watermarks();
        registry.bind("deliveryState", delivery);
        registry.bind("watermarks", watermarks);
        registry.bind("offsetCursor", new OffsetCursor(Duration.ofSeconds(30), delivery));
        registry.bind("recordDecoder", recordDecoder(context, settings, watermarks));
        KafkaClientSettings.check(name -> property(context, name));
        PipelineSettings.atLeast("CDC_POLL_TIMEOUT_MS", property(context, "cdc.poll-timeout-ms"), 0);
        PipelineSettings.atLeast("CDC_BATCHING_INTERVAL_MS", property(context, "cdc.batching-interval-ms"), 0);
        Properties kafka = kafkaAdminProperties(context);
        KafkaSecurity.check(kafka);
        registry.bind("kafkaClientFactory", new NoBlankKeyPasswordClientFactory());
        // a batch dead-letters at most all its records; the window also covers the batch before it
        registry.bind("deadLetters", new DeadLetters(DeadLetterHistory.fromTopic(kafka,
                property(context, "cdc.dlq-topic"), 2 * settings.maxPollRecords(), Duration.ofSeconds(10))));
        registry.bind("deadLetterTopic", new DeadLetterTopic(kafka,
                property(context, "cdc.topic"), property(context, "cdc.dlq-topic")));
        registry.bind("cdc-delivery-health", new DeliveryHealthCheck(delivery));
        PipelineSettings.positiveDuration("KAFKA_AUTH_RETRY_INTERVAL", property(context, "cdc.kafka.auth-retry-interval"));
        AuthenticationRetry authentication = new AuthenticationRetry(context, kafka, "cdc-consume", delivery,
                "cdc-dead-letter");
        registry.bind("authenticationRetry", authentication);
        ObservabilityBeans.bind(context, watermarks, authentication, kafka);

        registry.bind("changeLog", new ChangeLog());

        JsonLinesSink files = new JsonLinesSink(settings.sinkDir());
        if (settings.sinks().contains(Sink.FILE)) {
            files.recoverAtStart(settings.maxPollRecords());
            registry.bind("file-sink-health", new FileSinkHealthCheck(files));
        }
        registry.bind("jsonLinesSink", files);

        int socketTimeoutMs = PipelineSettings.positiveInt("AUDIT_SOCKET_TIMEOUT_MS",
                property(context, "cdc.audit.socket-timeout-ms"));
        HikariDataSource audit = auditDataSource(context, settings, socketTimeoutMs);
        registry.bind("auditDataSource", audit);
        registry.bind("auditRows", new AuditRows(settings.auditBatchSize(), settings.auditMaxBatchBytes()));
        registry.bind("auditStatementStrategy", new OncePerQueryStatementStrategy());
        if (settings.sinks().contains(Sink.AUDIT)) {
            PipelineSettings.checkJdbcUrl("AUDIT_JDBC_URL", audit.getJdbcUrl());
            retryBudget(context, socketTimeoutMs).checkFits(Duration.ofMillis(PipelineSettings.positiveInt(
                    "CDC_MAX_POLL_INTERVAL_MS", property(context, "cdc.max-poll-interval-ms"))));
            registry.bind("audit-database-health", new AuditDatabaseHealthCheck(audit));
        }
        HikariDataSource heartbeat = lazyPool(context, "heartbeat", "cdc.heartbeat", 1, HEARTBEAT_SOCKET_TIMEOUT_MS);
        if (PipelineSettings.flag("HEARTBEAT_ENABLED", property(context, "cdc.heartbeat.enabled"))) {
            PipelineSettings.checkJdbcUrl("HEARTBEAT_JDBC_URL", heartbeat.getJdbcUrl());
        }
        registry.bind("heartbeatDataSource", heartbeat);
    }

    private static RetryBudget retryBudget(CamelContext context, int socketTimeoutMs) {
        return new RetryBudget(
                PipelineSettings.atLeast("CDC_RETRY_MAX_REDELIVERIES",
                        property(context, "cdc.retry.max-redeliveries"), 0),
                millis(context, "CDC_RETRY_DELAY_MS", "cdc.retry.delay-ms"),
                millis(context, "CDC_RETRY_MAX_DELAY_MS", "cdc.retry.max-delay-ms"),
                Duration.ofMillis(CONNECTION_TIMEOUT_MS + socketTimeoutMs));
    }

    private static Duration millis(CamelContext context, String name, String key) {
        return Duration.ofMillis(PipelineSettings.atLeast(name, property(context, key), 0));
    }

    private RecordDecoder recordDecoder(CamelContext context, PipelineSettings settings, Watermarks watermarks) {
        CanalDecoder decoder = new CanalDecoder(ClaimCheckStore.of(property(context, "cdc.claim-check.dir"),
                PipelineSettings.positiveInt("CLAIM_CHECK_MAX_BYTES", property(context, "cdc.claim-check.max-bytes"))),
                ValueCompression.of(property(context, "cdc.changefeed.large-message-compression")));
        int helpers = settings.decodeThreads() - 1;
        if (helpers == 0) {
            return new RecordDecoder(decoder, watermarks);
        }
        ExecutorService pool = context.getExecutorServiceManager().newFixedThreadPool(this, "cdc-decode", helpers);
        return new RecordDecoder(decoder, watermarks, pool, helpers, rendering(settings.sinks()));
    }

    /**
     * What the decoding threads render ahead for the enabled sinks, which would otherwise be the consumer thread's
     * largest cost after decoding. The file record includes the audit row's images.
     */
    static Consumer<ChangeEvent> rendering(Set<Sink> sinks) {
        boolean file = sinks.contains(Sink.FILE);
        boolean audit = sinks.contains(Sink.AUDIT);
        boolean log = sinks.contains(Sink.LOG);
        return e -> {
            if (file) {
                e.jsonBytes();
            } else if (audit) {
                e.renderImages();
            }
            if (log && ChangeLog.enabled()) {
                e.summary();
            }
        };
    }

    private static HikariDataSource auditDataSource(CamelContext context, PipelineSettings settings,
            int socketTimeoutMs) {
        HikariDataSource ds = lazyPool(context, "audit", "cdc.audit",
                PipelineSettings.positiveInt("AUDIT_POOL_SIZE", property(context, "cdc.audit.pool-size")),
                socketTimeoutMs);
        // one multi-row INSERT per JDBC batch; the driver splits it to fit max_allowed_packet
        ds.addDataSourceProperty("rewriteBatchedStatements", "true");
        ds.addDataSourceProperty("cachePrepStmts", "true");
        // binary protocol: the JSON images go as length-prefixed UTF-8, not escaped into a SQL literal; measured by
        // the benchmark at about half the audit sink's CPU per change
        ds.addDataSourceProperty("useServerPrepStmts", "true");
        // Each batch size is a statement of its own, and a cached one keeps parameter metadata for every row (about
        // 2 MB for 500 rows); 128 statements of 2,000 rows filled the 256 MiB heap. So only statements up to about
        // 600 rows (32 KB of SQL) are cached, and at most 16 of them; larger ones are prepared per batch.
        ds.addDataSourceProperty("prepStmtCacheSqlLimit", "32768");
        ds.addDataSourceProperty("prepStmtCacheSize", "16");
        // socketTimeout bounds reads only: a batch larger than the socket buffers that is being sent when the database
        // freezes would block in the write with no timeout at all. This ends every statement at the socket timeout.
        ds.addDataSourceProperty("queryInterceptors", StatementDeadline.class.getName());
        // The driver's default, kept on purpose: before each batch it asks the server whether the session is read-only,
        // so a database that already hangs is found by a short read, before the batch is written.
        ds.addDataSourceProperty("useLocalSessionState", "false");
        return ds;
    }

    /**
     * A pool of the settings {@code <prefix>.jdbc-url}, {@code .user} and {@code .password}, created lazily, on the first
     * connection: a database that is down at startup delays its sink (and shows in readiness) but does not stop the
     * process.
     */
    private static HikariDataSource lazyPool(CamelContext context, String name, String prefix, int size,
            int socketTimeoutMs) {
        HikariDataSource ds = new HikariDataSource();
        ds.setPoolName(name);
        ds.setJdbcUrl(property(context, prefix + ".jdbc-url"));
        ds.setUsername(property(context, prefix + ".user"));
        ds.setPassword(property(context, prefix + ".password"));
        ds.setMaximumPoolSize(size);
        ds.setMinimumIdle(1);
        ds.setInitializationFailTimeout(-1);
        ds.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        ds.setValidationTimeout(2000);
        ds.setConnectionInitSql("SET time_zone = '+00:00'");
        ds.addDataSourceProperty("connectTimeout", String.valueOf(CONNECTION_TIMEOUT_MS));
        // a database that hangs (rather than refuses) answers nothing: only this ends the wait for it
        ds.addDataSourceProperty("socketTimeout", String.valueOf(socketTimeoutMs));
        ds.addDataSourceProperty("tcpKeepAlive", "true");
        ds.addDataSourceProperty("characterEncoding", "UTF-8");
        ds.addDataSourceProperty("connectionCollation", "utf8mb4_bin");
        return ds;
    }

    static Properties kafkaAdminProperties(CamelContext context) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, property(context, "cdc.kafka.bootstrap-servers"));
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, property(context, "cdc.kafka.security-protocol"));
        putIfSet(p, SaslConfigs.SASL_MECHANISM, property(context, "cdc.kafka.sasl-mechanism"));
        putIfSet(p, SaslConfigs.SASL_JAAS_CONFIG, property(context, "cdc.kafka.sasl-jaas-config"));
        putIfSet(p, SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, property(context, "cdc.kafka.ssl-truststore-location"));
        putIfSet(p, SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, property(context, "cdc.kafka.ssl-truststore-password"));
        // upper case, as camel-kafka passes them: Kafka's PEM type is only "PEM"
        putIfSet(p, SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG,
                property(context, "cdc.kafka.ssl-truststore-type").toUpperCase(Locale.ROOT));
        putIfSet(p, SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, property(context, "cdc.kafka.ssl-keystore-location"));
        putIfSet(p, SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, property(context, "cdc.kafka.ssl-keystore-password"));
        putIfSet(p, SslConfigs.SSL_KEYSTORE_TYPE_CONFIG,
                property(context, "cdc.kafka.ssl-keystore-type").toUpperCase(Locale.ROOT));
        putIfSet(p, SslConfigs.SSL_KEY_PASSWORD_CONFIG, property(context, "cdc.kafka.ssl-key-password"));
        // empty turns the check off, for Kafka as for camel-kafka
        p.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG,
                property(context, "cdc.kafka.ssl-endpoint-identification-algorithm"));
        p.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        return p;
    }

    private static void putIfSet(Properties p, String key, String value) {
        if (value != null && !value.isBlank()) {
            p.put(key, value);
        }
    }

    static String property(CamelContext context, String key) {
        return context.resolvePropertyPlaceholders("{{" + key + "}}");
    }
}
