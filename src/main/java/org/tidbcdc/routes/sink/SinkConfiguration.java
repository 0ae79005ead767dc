package org.tidbcdc.routes.sink;

import static org.tidbcdc.routes.settings.SettingsConfiguration.property;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.CamelContextHelper;
import org.tidbcdc.routes.settings.PipelineSettings;
import org.tidbcdc.routes.settings.SettingValues;
import org.tidbcdc.routes.settings.Settings;
import org.tidbcdc.routes.settings.SettingsConfiguration;

/**
 * Builds the log line, the JSON Lines file sink and the audit table's writer, and binds them under the names their sink
 * routes use; registers the conversion of a change to its record for custom sinks. A sink that SINKS does not list
 * gets no readiness check and no startup check.
 */
@Configuration
public class SinkConfiguration implements CamelConfiguration {

    /** The longest a sink waits for a pool connection, and for a new one to connect. */
    static final int CONNECTION_TIMEOUT_MS = 3000;

    @Override
    public void configure(CamelContext context) throws Exception {
        PipelineSettings settings = CamelContextHelper.mandatoryLookup(context, "pipelineSettings",
                PipelineSettings.class);
        Registry registry = context.getRegistry();
        ChangeRecordConverter.register(context.getTypeConverterRegistry());
        registry.bind("changeLog", new ChangeLog());

        JsonLinesSink files = new JsonLinesSink(settings.sinkDir());
        if (settings.sinks().contains("file")) {
            // taken here, before the folder is read: another process's appends would look like torn lines to cut
            SinkFolderLock lock = new SinkFolderLock(files.root());
            lock.start();
            context.addService(lock, true, false);
            files.recoverAtStart(settings.maxPollRecords());
            registry.bind("file-sink-health", new FileSinkHealthCheck(files));
        }
        registry.bind("jsonLinesSink", files);

        SettingValues values = SettingsConfiguration.settings(context);
        int socketTimeoutMs = values.integer(Settings.AUDIT_SOCKET_TIMEOUT_MS);
        HikariDataSource audit = auditDataSource(context, values.integer(Settings.AUDIT_POOL_SIZE), socketTimeoutMs);
        registry.bind("auditDataSource", audit);
        registry.bind("auditRows", new AuditRows(settings.auditBatchSize(), settings.auditMaxBatchBytes()));
        registry.bind("auditStatementStrategy", new OncePerQueryStatementStrategy());
        // the longest attempt cdc-sink-audit declares, for the startup check of its retry cycle (SinkRoutes)
        context.getPropertiesComponent().addOverrideProperty("cdc.audit.max-attempt-ms",
                String.valueOf(CONNECTION_TIMEOUT_MS + socketTimeoutMs));
        if (settings.sinks().contains("audit")) {
            registry.bind("audit-database-health", new AuditDatabaseHealthCheck(audit));
        }
    }

    private static HikariDataSource auditDataSource(CamelContext context, int poolSize, int socketTimeoutMs) {
        HikariDataSource ds = lazyPool(context, "audit", "cdc.audit", poolSize, socketTimeoutMs);
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
    public static HikariDataSource lazyPool(CamelContext context, String name, String prefix, int size,
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
}
