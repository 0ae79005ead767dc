package org.tidbcdc.routes.consume;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the consumer position of the change stream: opens a batch, commits it once every sink holds it, and rewinds it
 * when a transient failure outlasts its retries.
 *
 * <p>camel-kafka 4.18 puts only the last record's manual commit on a batch and, under breakOnFirstError, unsubscribes
 * on failure; so offsets are committed here, per partition, on the consumer thread. A rewind seeks every partition of
 * the failed batch back to its first offset and keeps polling, which keeps the member in its group during a long
 * outage. Records of a rewound partition that camel-kafka had already queued are dropped until the first rewound
 * offset comes back, so nothing is processed out of order and no offset is committed past an unwritten change.
 *
 * <p>A batch whose commit fails has reached every sink already: when it is polled again, its records are committed
 * without being delivered a second time ({@link SinkHoldings}), and so are records the consumer hands out twice.
 */
public final class OffsetCursor {

    public static final String BATCH = "cdc.batch";

    private static final Logger LOG = LoggerFactory.getLogger(OffsetCursor.class);

    private final Duration commitTimeout;
    private final DeliveryState state;
    private final Map<TopicPartition, Long> rewoundTo = new HashMap<>();
    private final SinkHoldings holdings;
    private Consumer<?, ?> lastConsumer;

    public OffsetCursor(Duration commitTimeout, DeliveryState state, SinkHoldings holdings) {
        this.commitTimeout = commitTimeout;
        this.state = state;
        this.holdings = holdings;
    }

    /** Opens the batch: records its offsets and returns the records to process, in partition order. */
    public List<Exchange> begin(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<Exchange> polled = exchange.getMessage().getBody(List.class);
        List<Exchange> keep = new ArrayList<>(polled == null ? 0 : polled.size());
        List<TopicPartition> keptPartitions = new ArrayList<>(polled == null ? 0 : polled.size());
        long[] keptOffsets = new long[polled == null ? 0 : polled.size()];
        KafkaBatch batch = null;
        Set<TopicPartition> assigned = null;
        Map<TopicPartition, Long> committedCache = new HashMap<>();
        Map<TopicPartition, long[]> skipped = new LinkedHashMap<>();
        for (Exchange record : polled == null ? List.<Exchange>of() : polled) {
            DefaultKafkaManualCommit commit = position(record);
            Consumer<?, ?> consumer = commit.getCamelExchangePayload().consumer;
            if (batch == null) {
                batch = new KafkaBatch(consumer);
                exchange.setProperty(BATCH, batch);
                if (consumer != lastConsumer) {
                    // a reconnect starts from the committed offsets: earlier rewinds no longer apply
                    rewoundTo.clear();
                    lastConsumer = consumer;
                }
                assigned = consumer.assignment();
            }
            TopicPartition tp = commit.getPartition();
            long offset = commit.getRecordOffset();
            if (!assigned.contains(tp) || isStale(consumer, tp, offset, committedCache)) {
                continue;
            }
            batch.include(tp, offset);
            if (holdings.everySinkHolds(tp, offset, record)) {
                skipped.merge(tp, new long[] {offset, offset}, (a, b) -> new long[] {a[0], b[1]});
                continue;
            }
            keptOffsets[keep.size()] = offset;
            keptPartitions.add(tp);
            keep.add(record);
        }
        if (batch == null) {
            exchange.setProperty(BATCH, new KafkaBatch(null));
        } else {
            batch.deliver(keep, keptPartitions, keptOffsets);
        }
        if (!skipped.isEmpty()) {
            Map<TopicPartition, String> ranges = new LinkedHashMap<>();
            skipped.forEach((tp, r) -> ranges.put(tp, r[0] + ".." + r[1]));
            LOG.warn("Records {} came back but every sink holds them already (their batch's commit failed, or the "
                    + "consumer fetched them twice): committed, not delivered again", ranges);
        }
        return keep;
    }

    private static DefaultKafkaManualCommit position(Exchange record) {
        DefaultKafkaManualCommit commit = record.getMessage()
                .getHeader(KafkaConstants.MANUAL_COMMIT, DefaultKafkaManualCommit.class);
        if (commit == null) {
            throw new IllegalStateException("the Kafka endpoint must set allowManualCommit=true");
        }
        return commit;
    }

    private boolean isStale(Consumer<?, ?> consumer, TopicPartition tp, long offset, Map<TopicPartition, Long> cache) {
        Long from = rewoundTo.get(tp);
        if (from == null) {
            return false;
        }
        if (offset <= from) {
            rewoundTo.remove(tp);
            return false;
        }
        // queued before the rewind; unless another member has since committed past the rewind point
        long committed = cache.computeIfAbsent(tp, p -> {
            OffsetAndMetadata o = consumer.committed(Set.of(p), commitTimeout).get(p);
            return o == null ? -1L : o.offset();
        });
        if (committed > from) {
            rewoundTo.remove(tp);
            return false;
        }
        return true;
    }

    /** Commits every partition of the batch; called after every enabled sink holds every change of it. */
    public void commit(Exchange exchange) {
        KafkaBatch batch = exchange.getProperty(BATCH, KafkaBatch.class);
        if (batch == null || batch.ranges().isEmpty()) {
            state.committed();
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        batch.ranges().forEach((tp, r) -> offsets.put(tp, new OffsetAndMetadata(r[1] + 1)));
        // every sink holds the batch now (SinkDispatch noted it): should the commit fail and the batch come back, it
        // does not reach them again
        batch.consumer().commitSync(offsets, commitTimeout);
        state.committed();
        if (LOG.isDebugEnabled()) {
            LOG.debug("Committed {} records ({} changes, {} watermarks, {} dead-lettered): {}", batch.records(),
                    batch.events().size(), batch.watermarks(), batch.deadLettered(), offsets);
        }
    }

    /** Seeks the batch's partitions back to where it started, so the next poll delivers it again. */
    public void rewind(Exchange exchange) {
        KafkaBatch batch = exchange.getProperty(BATCH, KafkaBatch.class);
        if (batch == null || batch.ranges().isEmpty()) {
            state.stalled(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
            return;
        }
        Map<TopicPartition, Long> seekTo = new LinkedHashMap<>();
        batch.ranges().forEach((tp, r) -> {
            batch.consumer().seek(tp, r[0]);
            rewoundTo.put(tp, r[0]);
            seekTo.put(tp, r[0]);
        });
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        state.stalled(cause);
        LOG.warn("Batch not delivered, nothing committed; polling it again from {} after: {}", seekTo,
                cause == null ? "unknown error" : cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
}
