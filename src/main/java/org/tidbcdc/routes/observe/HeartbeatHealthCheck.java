package org.tidbcdc.routes.observe;

import java.time.Duration;
import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.tidbcdc.routes.ReportedCheck;
import org.tidbcdc.routes.consume.ConsumerAssignment;

/**
 * Freshness: DOWN when no heartbeat has come back within HEARTBEAT_STALE_AFTER. Reported in /observe/health but not
 * part of readiness: a stale heartbeat usually means TiDB or TiCDC is behind, which taking this instance out of
 * service would not fix.
 */
public final class HeartbeatHealthCheck extends ReportedCheck {

    private final Freshness freshness;
    private final ConsumerAssignment assignment;

    public HeartbeatHealthCheck(Freshness freshness, ConsumerAssignment assignment) {
        super("cdc", "heartbeat");
        this.freshness = freshness;
        this.assignment = assignment;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("stale.after", freshness.staleAfter().toString());
        if (freshness.lastReturned() != null) {
            builder.detail("last.returned", freshness.lastReturned().toString());
            builder.detail("last.latency.ms", freshness.lastLatencyMillis());
            builder.detail("last.partition", freshness.lastPartition());
        }
        if (freshness.lastWritten() != null) {
            builder.detail("last.written", freshness.lastWritten().toString());
        }
        String writeError = freshness.writeError();
        Duration stale = freshness.staleFor();
        if (stale == null) {
            builder.up();
            return;
        }
        int partition = freshness.lastPartition();
        if (partition >= 0 && assignment.partitions().stream().noneMatch(tp -> tp.partition() == partition)) {
            builder.message("heartbeats arrive on partition " + partition + ", which another member of the group "
                    + "consumes now; that instance reports their freshness").up();
            return;
        }
        String message = (freshness.lastReturned() == null ? "no heartbeat has come back since start, "
                : "no heartbeat has come back for ") + stale.toSeconds() + "s (stale after "
                + freshness.staleAfter().toSeconds() + "s)";
        if (writeError != null) {
            message += "; writing the heartbeat row fails: " + writeError;
        }
        builder.message(message).down();
    }
}
