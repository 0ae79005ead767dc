package org.tidbcdc.routes.sink;

import java.sql.Connection;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.tidbcdc.routes.ReadinessCheck;

/** Readiness: the audit database answers within a few seconds. */
public final class AuditDatabaseHealthCheck extends ReadinessCheck {

    private static final int VALID_TIMEOUT_SECONDS = 2;
    private final DataSource dataSource;

    public AuditDatabaseHealthCheck(DataSource dataSource) {
        super("cdc", "audit-database");
        this.dataSource = dataSource;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try (Connection c = dataSource.getConnection()) {
            if (c.isValid(VALID_TIMEOUT_SECONDS)) {
                builder.up();
            } else {
                // Hikari skips its own check for a connection used within the last 500 ms, so frequent probes would
                // get this dead one back forever after a database restart: drop it, the next probe gets a new one
                if (dataSource instanceof HikariDataSource pool) {
                    pool.evictConnection(c);
                }
                builder.message("audit database connection is not valid").down();
            }
        } catch (Exception e) {
            builder.message("audit database unreachable: " + e.getMessage()).error(e).down();
        }
    }
}
