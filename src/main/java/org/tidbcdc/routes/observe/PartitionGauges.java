package org.tidbcdc.routes.observe;

import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.TopicPartition;
import org.tidbcdc.routes.consume.ConsumerAssignment;
import org.tidbcdc.routes.consume.ConsumerLag;
import org.tidbcdc.routes.consume.Watermarks;

/**
 * Per-partition gauges for the partitions this member holds: {@code cdc_consumer_lag_records} and
 * {@code cdc_watermark_freshness_seconds}. They follow the assignment, so a partition that moved to another member
 * disappears here instead of freezing at its last value; each member reports the partitions it consumes.
 */
final class PartitionGauges {

    private final MeterRegistry registry;
    private final ConsumerLag lag;
    private final Watermarks watermarks;
    private final Clock clock;
    private final Map<Integer, Meter[]> byPartition = new ConcurrentHashMap<>();

    PartitionGauges(MeterRegistry registry, ConsumerAssignment assignment, ConsumerLag lag, Watermarks watermarks,
                    Clock clock) {
        this.registry = registry;
        this.lag = lag;
        this.watermarks = watermarks;
        this.clock = clock;
        assignment.onChange(this::follow);
    }

    synchronized void follow(Set<TopicPartition> assigned) {
        Set<Integer> partitions = assigned.stream().map(TopicPartition::partition).collect(Collectors.toSet());
        byPartition.entrySet().removeIf(e -> {
            if (partitions.contains(e.getKey())) {
                return false;
            }
            for (Meter m : e.getValue()) {
                registry.remove(m);
            }
            return true;
        });
        for (int p : partitions) {
            byPartition.computeIfAbsent(p, this::register);
        }
    }

    private Meter[] register(int partition) {
        String tag = String.valueOf(partition);
        Gauge records = Gauge.builder("cdc.consumer.lag.records", lag, l -> l.of(partition))
                .description("Records behind the end of the partition, sampled after each committed batch")
                .tag("partition", tag).strongReference(true).register(registry);
        Gauge freshness = Gauge.builder("cdc.watermark.freshness.seconds", this, g -> g.freshness(partition))
                .description("Now minus the physical time of the partition's highest TiCDC watermark")
                .tag("partition", tag).strongReference(true).register(registry);
        return new Meter[] {records, freshness};
    }

    /** Seconds since the physical time (TSO >> 18, in ms) of the partition's watermark; NaN before the first. */
    double freshness(int partition) {
        Long tso = watermarks.current().get(partition);
        return tso == null ? Double.NaN : TsoAge.seconds(tso, clock);
    }
}
