package org.tidbcdc.routes;

import java.time.Duration;
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
import org.tidbcdc.routes.consume.DeadLetterTopic;
import org.tidbcdc.routes.consume.DeadLetters;
import org.tidbcdc.routes.consume.DeliveryHealthCheck;
import org.tidbcdc.routes.consume.DeliveryState;
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

/**
 * Builds the data plane's beans from the settings and binds them under the names the YAML routes use. Invalid
 * settings throw here, which stops startup before any route consumes.
 */
@Configuration
public class PipelineConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        PipelineSettings settings = new PipelineSettings(
                property(context, "cdc.sinks"), property(context, "cdc.audit.batch-size"),
                property(context, "cdc.audit.max-batch-bytes"), property(context, "cdc.max-poll-records"),
                property(context, "cdc.sink-dir"), property(context, "cdc.routes-dir"),
                property(context, "cdc.decode-threads"));
        Registry registry = context.getRegistry();
        registry.bind("pipelineSettings", settings);

        DeliveryState delivery = new DeliveryState();
        Watermarks watermarks = new Watermarks();
        registry.bind("deliveryState", delivery);
        registry.bind("watermarks", watermarks);
        registry.bind("offsetCursor", new OffsetCursor(Duration.ofSeconds(30), delivery));
        registry.bind("recordDecoder", recordDecoder(context, settings, watermarks));
        registry.bind("deadLetters", new DeadLetters());
        registry.bind("deadLetterTopic", new DeadLetterTopic(kafkaAdminProperties(context),
                property(context, "cdc.topic"), property(context, "cdc.dlq-topic")));
        registry.bind("cdc-delivery-health", new DeliveryHealthCheck(delivery));
        ObservabilityBeans.bind(context, watermarks);

        registry.bind("changeLog", new ChangeLog());

        JsonLinesSink files = new JsonLinesSink(settings.sinkDir());
        if (settings.sinks().contains(Sink.FILE)) {
            files.repairTornTails();
            registry.bind("file-sink-health", new FileSinkHealthCheck(files));
        }
        registry.bind("jsonLinesSink", files);

        HikariDataSource audit = auditDataSource(context, settings);
        registry.bind("auditDataSource", audit);
        registry.bind("auditRows", new AuditRows(settings.auditBatchSize(), settings.auditMaxBatchBytes()));
        registry.bind("auditStatementStrategy", new OncePerQueryStatementStrategy());
        if (settings.sinks().contains(Sink.AUDIT)) {
            registry.bind("audit-database-health", new AuditDatabaseHealthCheck(audit));
        }
        registry.bind("heartbeatDataSource", lazyPool(context, "heartbeat", "cdc.heartbeat", 1));
    }

    private RecordDecoder recordDecoder(CamelContext context, PipelineSettings settings, Watermarks watermarks) {
        int helpers = settings.decodeThreads() - 1;
        if (helpers == 0) {
            return new RecordDecoder(new CanalDecoder(), watermarks);
        }
        ExecutorService pool = context.getExecutorServiceManager().newFixedThreadPool(this, "cdc-decode", helpers);
        return new RecordDecoder(new CanalDecoder(), watermarks, pool, helpers, rendering(settings.sinks()));
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

    private static HikariDataSource auditDataSource(CamelContext context, PipelineSettings settings) {
        HikariDataSource ds = lazyPool(context, "audit", "cdc.audit",
                PipelineSettings.positiveInt("AUDIT_POOL_SIZE", property(context, "cdc.audit.pool-size")));
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
        return ds;
    }

    /**
     * A pool of the settings {@code <prefix>.jdbc-url}, {@code .user} and {@code .password}, created lazily, on the first
     * connection: a database that is down at startup delays its sink (and shows in readiness) but does not stop the
     * process.
     */
    private static HikariDataSource lazyPool(CamelContext context, String name, String prefix, int size) {
        HikariDataSource ds = new HikariDataSource();
        ds.setPoolName(name);
        ds.setJdbcUrl(property(context, prefix + ".jdbc-url"));
        ds.setUsername(property(context, prefix + ".user"));
        ds.setPassword(property(context, prefix + ".password"));
        ds.setMaximumPoolSize(size);
        ds.setMinimumIdle(1);
        ds.setInitializationFailTimeout(-1);
        ds.setConnectionTimeout(3000);
        ds.setValidationTimeout(2000);
        ds.setConnectionInitSql("SET time_zone = '+00:00'");
        ds.addDataSourceProperty("connectTimeout", "3000");
        ds.addDataSourceProperty("socketTimeout", "60000");
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
