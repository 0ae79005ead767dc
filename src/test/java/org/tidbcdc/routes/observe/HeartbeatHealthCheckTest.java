package org.tidbcdc.routes.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tidbcdc.routes.observe.Changes.change;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.tidbcdc.routes.canal.Op;
import org.tidbcdc.routes.consume.ConsumerAssignment;

class HeartbeatHealthCheckTest {

    final TestClock clock = new TestClock(Instant.parse("2025-01-01T00:00:00Z"));
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final Freshness freshness = new Freshness(meters, clock, Duration.ofSeconds(60));
    final ConsumerAssignment assignment = new ConsumerAssignment();
    final HeartbeatHealthCheck check = new HeartbeatHealthCheck(freshness, assignment);

    final Rebalances rebalances = new Rebalances(assignment);

    HeartbeatHealthCheckTest() {
        assign(0);
    }

    void assign(int... partitions) {
        rebalances.assign(partitions);
    }

    HealthCheck.Result call() {
        return check.call(Map.of());
    }

    void heartbeatReturns(long latencyMillis, int partition) {
        freshness.returned(change(Op.UPDATE, "app_db", "cdc_heartbeat", clock.millis() - latencyMillis, partition),
                clock.millis());
    }

    @Test
    void isReportedButDoesNotGateReadinessOrLiveness() {
        assertThat(check.isReadiness()).isFalse();
        assertThat(check.isLiveness()).isFalse();
        assertThat(check.getId()).isEqualTo("heartbeat");
    }

    @Test
    void upUntilStaleAfterPassesWithoutAHeartbeatThenDown() {
        clock.advance(Duration.ofSeconds(60));
        assertThat(call().getState()).isEqualTo(HealthCheck.State.UP);
        clock.advance(Duration.ofSeconds(1));
        HealthCheck.Result r = call();
        assertThat(r.getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(r.getMessage()).hasValue("no heartbeat has come back since start, 61s (stale after 60s)");
    }

    @Test
    void aReturnedHeartbeatIsTimedAndKeepsItUpForStaleAfter() {
        clock.advance(Duration.ofSeconds(90));
        heartbeatReturns(1500, 0);
        assertThat(call().getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(call().getDetails()).containsEntry("last.latency.ms", 1500L).containsEntry("last.partition", 0);
        assertThat(meters.get("cdc.heartbeat.latency").timer().count()).isEqualTo(1);
        assertThat(meters.get("cdc.heartbeat.rows").counter().count()).isEqualTo(1.0);

        clock.advance(Duration.ofSeconds(61));
        assertThat(call().getState()).isEqualTo(HealthCheck.State.DOWN);
        assertThat(call().getMessage()).hasValue("no heartbeat has come back for 61s (stale after 60s)");
    }

    @Test
    void aNegativeLatencyFromClockSkewIsRecordedAsZero() {
        heartbeatReturns(-250, 0);
        assertThat(freshness.lastLatencyMillis()).isZero();
        assertThat(meters.get("cdc.heartbeat.latency").timer().max(TimeUnit.MILLISECONDS))
                .isZero();
    }

    @Test
    void theDownMessageSaysWhyWritingFailsAndASuccessfulWriteClearsIt() {
        Exchange failed = new DefaultExchange(new DefaultCamelContext());
        failed.setProperty(Exchange.EXCEPTION_CAUGHT, new java.sql.SQLException("Access denied for user 'root'"));
        freshness.writeFailed(failed);
        clock.advance(Duration.ofSeconds(61));
        assertThat(call().getMessage().orElseThrow())
                .endsWith("; writing the heartbeat row fails: SQLException: Access denied for user 'root'");
        freshness.written();
        assertThat(call().getMessage().orElseThrow()).doesNotContain("writing");
    }

    @Test
    void aWriteErrorNamesItsRootCauseOnOneLine() {
        Exception e = new IllegalStateException("Failed to obtain JDBC Connection",
                new java.sql.SQLException("Communications link failure\n\nThe last packet…",
                        new java.net.ConnectException("Connection refused")));
        assertThat(Freshness.describe(e)).isEqualTo(
                "IllegalStateException: Failed to obtain JDBC Connection (ConnectException: Connection refused)");
    }

    @Test
    void staysUpWhenTheHeartbeatPartitionMovedToAnotherMember() {
        assign(0, 1);
        heartbeatReturns(100, 1);
        clock.advance(Duration.ofSeconds(61));
        assertThat(call().getState()).isEqualTo(HealthCheck.State.DOWN);

        assign(0);
        HealthCheck.Result r = call();
        assertThat(r.getState()).isEqualTo(HealthCheck.State.UP);
        assertThat(r.getMessage().orElseThrow()).contains("partition 1, which another member");
    }
}
