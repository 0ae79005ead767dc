package org.tidbcdc.routes.consume;

import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Records behind the end of the log, per assigned partition. Sampled on the consumer thread (the Kafka client is not
 * thread-safe) after each committed batch, from the end offsets the client caches with every fetch: no broker round
 * trip. TiCDC sends a watermark every second, so batches, and samples, keep coming while the pipeline runs.
 */
public final class ConsumerLag {

    private final Map<Integer, Long> byPartition = new ConcurrentHashMap<>();

    public void sample(Exchange exchange) {
        KafkaBatch batch = exchange.getProperty(OffsetCursor.BATCH, KafkaBatch.class);
        Consumer<?, ?> consumer = batch == null ? null : batch.consumer();
        if (consumer == null) {
            return;
        }
        Set<TopicPartition> assigned = consumer.assignment();
        for (TopicPartition tp : assigned) {
            OptionalLong lag = consumer.currentLag(tp);
            if (lag.isPresent()) {
                byPartition.put(tp.partition(), lag.getAsLong());
            }
        }
        if (byPartition.size() > assigned.size()) {
            byPartition.keySet().removeIf(p -> assigned.stream().noneMatch(tp -> tp.partition() == p));
        }
    }

    /** The last sampled lag of a partition, or NaN before the first sample. */
    public double of(int partition) {
        Long lag = byPartition.get(partition);
        return lag == null ? Double.NaN : lag;
    }
}
