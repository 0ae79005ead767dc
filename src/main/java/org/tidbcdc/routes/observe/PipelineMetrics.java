package org.tidbcdc.routes.observe;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tidbcdc.routes.canal.ChangeEvent;
import org.tidbcdc.routes.consume.ConsumerLag;
import org.tidbcdc.routes.consume.KafkaBatch;
import org.tidbcdc.routes.consume.OffsetCursor;

/**
 * The data plane's meters, fed by the consume route: the write time of each sink route, audit rows per written
 * chunk, and everything else once per committed batch, so a batch that is retried and rewound is counted once.
 */
public final class PipelineMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineMetrics.class);
    private static final Duration[] SINK_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
        Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final MeterRegistry registry;
    private final ChangeCounters changes;
    private final Counter deadLettered;
    private final Counter auditRows;
    private final Map<String, Timer> sinkTimers = new ConcurrentHashMap<>();
    private final HeartbeatTable heartbeats;
    private final Freshness freshness;
    private final ConsumerLag lag;

    public PipelineMetrics(MeterRegistry registry, HeartbeatTable heartbeats, Freshness freshness, ConsumerLag lag) {
        this.registry = registry;
        this.changes = new ChangeCounters(registry);
        this.deadLettered = Counter.builder("cdc.dlq.records")
                .description("Undecodable records sent to the dead-letter topic and committed").register(registry);
        this.auditRows = Counter.builder("cdc.audit.rows.written")
                .description("Rows of the audit JDBC batches that succeeded, replays included").register(registry);
        this.heartbeats = heartbeats;
        this.freshness = freshness;
        this.lag = lag;
    }

    /** Makes the sink's timer known before its first batch, so that its series exists from startup. */
    public void sink(String sink) {
        sinkTimer(sink);
    }

    /**
     * After a sink route returned for a batch: the time from its first attempt on the batch, so retries and their
     * backoff are counted in; a failed attempt alone is not recorded.
     */
    public void sinkWritten(String sink, long nanos) {
        sinkTimer(sink).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** After one audit JDBC batch succeeded; its update counts are unusable (-2 with rewriteBatchedStatements). */
    public void auditRowsWritten(List<?> chunk) {
        auditRows.increment(chunk.size());
    }

    /**
     * After the batch's offsets were committed, on the consumer thread. Never throws: a failure here would send the
     * committed batch to the error handler, which rewinds it and delivers it a second time.
     */
    public void committed(Exchange exchange) {
        try {
            record(exchange.getProperty(OffsetCursor.BATCH, KafkaBatch.class), exchange);
        } catch (RuntimeException e) {
            LOG.warn("Metrics of a committed batch not recorded: {}", e.toString());
        }
    }

    private void record(KafkaBatch batch, Exchange exchange) {
        if (batch == null) {
            return;
        }
        long now = System.currentTimeMillis();
        for (ChangeEvent e : batch.events()) {
            if (heartbeats.isHeartbeat(e)) {
                freshness.returned(e, now);
            } else {
                changes.increment(e);
            }
        }
        if (batch.deadLettered() > 0) {
            deadLettered.increment(batch.deadLettered());
        }
        lag.sample(exchange);
    }

    private Timer sinkTimer(String sink) {
        Timer t = sinkTimers.get(sink);
        if (t == null) {
            t = sinkTimers.computeIfAbsent(sink, s -> Timer.builder("cdc.sink.write")
                    .description("Time to write one batch to a sink")
                    .tag("sink", s)
                    .serviceLevelObjectives(SINK_BUCKETS)
                    .register(registry));
        }
        return t;
    }
}
