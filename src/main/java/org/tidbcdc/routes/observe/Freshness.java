package org.tidbcdc.routes.observe;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tidbcdc.routes.canal.ChangeEvent;

/**
 * The freshness SLI: how long a heartbeat row takes from its TiDB commit until the batch holding it is committed here,
 * that is, until every sink would hold a change made at the same time. Measured at commit rather than at decode, so a
 * batch that is retried during a sink outage records no heartbeat and freshness goes stale, as the sinks do.
 *
 * <p>The commit time is TiDB's (PD's clock), the arrival time this host's: clock skew between them adds to the
 * latency, and a latency below zero is recorded as zero.
 */
public final class Freshness {

    private static final Logger LOG = LoggerFactory.getLogger(Freshness.class);

    private final Timer latency;
    private final Counter rows;
    private final Clock clock;
    private final Duration staleAfter;
    private final Instant startedAt;

    private volatile Instant lastReturned;
    private volatile long lastLatencyMillis = -1;
    private volatile int lastPartition = -1;
    private volatile Instant lastWritten;
    private volatile String writeError;

    public Freshness(MeterRegistry registry, Clock clock, Duration staleAfter) {
        this.latency = Timer.builder("cdc.heartbeat.latency")
                .description("Heartbeat rows from their TiDB commit until the batch holding them was committed here")
                .serviceLevelObjectives(seconds(0.1), seconds(0.25), seconds(0.5), seconds(1), seconds(2),
                        seconds(3), seconds(5), seconds(10), seconds(20), seconds(30), seconds(60), seconds(120),
                        seconds(300), seconds(600))
                .register(registry);
        this.rows = Counter.builder("cdc.heartbeat.rows")
                .description("Heartbeat rows received and committed; never written to a sink")
                .register(registry);
        this.clock = clock;
        this.staleAfter = staleAfter;
        this.startedAt = clock.instant();
    }

    private static Duration seconds(double s) {
        return Duration.ofMillis((long) (s * 1000));
    }

    /** A heartbeat row of a committed batch. */
    void returned(ChangeEvent heartbeat, long nowMillis) {
        long millis = Math.max(0, nowMillis - heartbeat.commitMillis());
        latency.record(millis, TimeUnit.MILLISECONDS);
        rows.increment();
        lastLatencyMillis = millis;
        lastPartition = heartbeat.source().partition();
        lastReturned = Instant.ofEpochMilli(nowMillis);
    }

    /** The heartbeat route wrote this instance's row. */
    public void written() {
        if (writeError != null) {
            LOG.info("Heartbeat writes succeed again");
        }
        writeError = null;
        lastWritten = clock.instant();
    }

    /** The heartbeat route could not write; logged once per outage, the health check carries the cause. */
    public void writeFailed(Exchange exchange) {
        String cause = describe(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
        if (writeError == null) {
            LOG.warn("Heartbeat write failed (retried every interval, logged once): {}", cause);
        }
        writeError = cause;
    }

    /** The error and its root cause, first line only: JDBC wraps the reason (refused, denied) several levels deep. */
    static String describe(Throwable e) {
        if (e == null) {
            return "unknown error";
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = e.getClass().getSimpleName() + ": " + e.getMessage();
        if (root != e) {
            text += " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    /** How long since the last heartbeat came back (or, before the first, since start); null while fresh. */
    public Duration staleFor() {
        Instant last = lastReturned == null ? startedAt : lastReturned;
        Duration age = Duration.between(last, clock.instant());
        return age.compareTo(staleAfter) > 0 ? age : null;
    }

    public Duration staleAfter() {
        return staleAfter;
    }

    public Instant lastReturned() {
        return lastReturned;
    }

    /** The end-to-end latency of the last heartbeat in ms; -1 before the first. */
    public long lastLatencyMillis() {
        return lastLatencyMillis;
    }

    /** The partition the last heartbeat arrived on; -1 before the first. */
    public int lastPartition() {
        return lastPartition;
    }

    public Instant lastWritten() {
        return lastWritten;
    }

    /** Why the last heartbeat write failed; null when it succeeded. */
    public String writeError() {
        return writeError;
    }
}
