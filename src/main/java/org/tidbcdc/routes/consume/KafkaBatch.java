package org.tidbcdc.routes.consume;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.tidbcdc.routes.canal.CanalFormatException;
import org.tidbcdc.routes.canal.ChangeEvent;
import org.tidbcdc.routes.canal.DecodedRecord;

/**
 * One poll batch in flight: the offsets it spans per partition, the consumer that polled it, and the changes decoded
 * from it. It lives on the batch exchange; only the consumer thread touches it.
 */
public final class KafkaBatch {

    private final Consumer<?, ?> consumer;
    private final Map<TopicPartition, long[]> ranges = new LinkedHashMap<>();
    private List<Exchange> delivered = List.of();
    private List<TopicPartition> deliveredPartitions = List.of();
    private long[] deliveredOffsets = new long[0];
    private final List<ChangeEvent> events = new ArrayList<>();
    /** Per delivered record, in the same order: the changes decoded from it (none for a watermark or a reject). */
    private final List<List<ChangeEvent>> eventsByRecord = new ArrayList<>();
    /** Per sink: when its first attempt on this batch started, so that the time of a write counts its retries. */
    private final Map<String, Long> sinkStarted = new LinkedHashMap<>();
    private final Map<Exchange, CanalFormatException> rejected = new LinkedHashMap<>();
    private int records;
    private int watermarks;
    private int deadLettered;

    KafkaBatch(Consumer<?, ?> consumer) {
        this.consumer = consumer;
    }

    /** A record whose offset this batch commits, whether or not it is delivered to the sinks. */
    void include(TopicPartition tp, long offset) {
        long[] r = ranges.get(tp);
        if (r == null) {
            ranges.put(tp, new long[] {offset, offset});
        } else {
            r[0] = Math.min(r[0], offset);
            r[1] = Math.max(r[1], offset);
        }
        records++;
    }

    void add(DecodedRecord decoded) {
        events.addAll(decoded.events());
        eventsByRecord.add(decoded.events());
        if (decoded.isWatermark()) {
            watermarks++;
        }
    }

    void reject(Exchange record, CanalFormatException error) {
        rejected.put(record, error);
        eventsByRecord.add(List.of());
    }

    /** Forgets what an earlier attempt decoded: a retried decode step starts the batch over. */
    void restartDecoding() {
        events.clear();
        eventsByRecord.clear();
        rejected.clear();
        watermarks = 0;
        deadLettered = 0;
    }

    /** The polled records that can never be decoded, in offset order, each with why. */
    public Map<Exchange, CanalFormatException> rejected() {
        return rejected;
    }

    public void countDeadLetter() {
        deadLettered++;
    }

    Consumer<?, ?> consumer() {
        return consumer;
    }

    /** The records this batch delivers to the sinks (those not delivered before), in the order polled. */
    void deliver(List<Exchange> records, List<TopicPartition> partitions, long[] offsets) {
        delivered = records;
        deliveredPartitions = partitions;
        deliveredOffsets = offsets;
    }

    TopicPartition partitionOf(int record) {
        return deliveredPartitions.get(record);
    }

    long offsetOf(int record) {
        return deliveredOffsets[record];
    }

    /** The changes decoded from the i-th delivered record. */
    List<ChangeEvent> eventsOf(int record) {
        return eventsByRecord.get(record);
    }

    /** When the first attempt of this sink on this batch started (nanoTime); {@code now} on the first call. */
    long sinkStarted(String sink, long now) {
        return sinkStarted.computeIfAbsent(sink, s -> now);
    }

    List<Exchange> delivered() {
        return delivered;
    }

    /** First and last offset per partition, as {@code [first, last]}. */
    Map<TopicPartition, long[]> ranges() {
        return Collections.unmodifiableMap(ranges);
    }

    public List<ChangeEvent> events() {
        return events;
    }

    public int records() {
        return records;
    }

    public int watermarks() {
        return watermarks;
    }

    public int deadLettered() {
        return deadLettered;
    }
}
