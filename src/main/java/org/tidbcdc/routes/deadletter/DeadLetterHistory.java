package org.tidbcdc.routes.deadletter;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

import org.apache.camel.Exchange;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tidbcdc.routes.canal.Source;
import org.tidbcdc.routes.consume.DeliveredRecords;
import org.tidbcdc.routes.consume.RecordDecoder;

/**
 * The records the dead-letter topic already holds, so that a record that comes back is not dead-lettered twice: a
 * batch rewound after a transient failure later in it (the database down), or a batch polled again after a crash
 * between the broker's acknowledgement and the commit.
 *
 * <p>What this process sent is remembered as it is acknowledged. What an earlier process sent is read from the end of
 * the dead-letter topic, by each dead letter's {@code cdc.source.*} headers, the first time this process needs to
 * know: a process that never meets a bad record never reads the topic, and startup does not wait for it. A record is
 * recognised by its offset, Kafka timestamp and value size ({@link DeliveredRecords}). Only the consumer thread uses
 * this.
 */
public final class DeadLetterHistory {

    /** A dead letter's source record, as the dead-letter topic tells it. */
    record Letter(TopicPartition source, long offset, long timestamp, int valueBytes) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHistory.class);

    private final Supplier<List<Letter>> earlier;
    private DeliveredRecords sent;

    /** @param earlier the dead letters an earlier process sent lately, in the order they were sent */
    DeadLetterHistory(Supplier<List<Letter>> earlier) {
        this.earlier = earlier;
    }

    /**
     * Reads the last {@code perPartition} records of each partition of the dead-letter topic, when first needed. A
     * broker that cannot be reached fails that dead letter like a failed send (it is retried); a topic that cannot be
     * read to its end within {@code timeout} is used as far as it was read.
     */
    public static DeadLetterHistory fromTopic(Properties kafka, String topic, int perPartition, Duration timeout) {
        return new DeadLetterHistory(() -> readTail(kafka, topic, perPartition, timeout));
    }

    /** Whether the dead-letter topic already holds this record (a rejected record's exchange). */
    boolean holds(Exchange record) {
        Source source = RecordDecoder.sourceOf(record.getMessage());
        return letters().holds(new TopicPartition(source.topic(), source.partition()), source.offset(), record);
    }

    /** The broker acknowledged this record's dead letter. */
    void sent(Exchange record) {
        Source source = RecordDecoder.sourceOf(record.getMessage());
        letters().delivered(new TopicPartition(source.topic(), source.partition()), source.offset(), record);
    }

    private DeliveredRecords letters() {
        if (sent == null) { // stays null when reading fails, so the next dead letter reads again
            DeliveredRecords known = new DeliveredRecords();
            for (Letter letter : earlier.get()) {
                known.delivered(letter.source(), letter.offset(), letter.timestamp(), letter.valueBytes());
            }
            sent = known;
        }
        return sent;
    }

    private static List<Letter> readTail(Properties kafka, String topic, int perPartition, Duration timeout) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(8 * 1024 * 1024));
        List<Letter> letters = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, timeout)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, timeout);
            Map<TopicPartition, Long> remaining = new HashMap<>();
            end.forEach((tp, last) -> {
                long from = Math.max(begin.getOrDefault(tp, 0L), last - perPartition);
                consumer.seek(tp, from);
                if (from < last) {
                    remaining.put(tp, last);
                }
            });
            while (!remaining.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    Letter letter = letter(r);
                    if (letter != null) {
                        letters.add(letter);
                    }
                }
                remaining.keySet().removeIf(tp -> consumer.position(tp) >= remaining.get(tp));
            }
            if (!remaining.isEmpty()) {
                LOG.warn("Read only part of the end of dead-letter topic {} within {}: a record dead-lettered just"
                        + " before a crash may be dead-lettered again", topic, timeout);
            }
        }
        return letters;
    }

    /** Null for a record without the cdc.source headers (not written by this application). */
    private static Letter letter(ConsumerRecord<byte[], byte[]> r) {
        String topic = header(r, DeadLetters.SOURCE_TOPIC);
        String partition = header(r, DeadLetters.SOURCE_PARTITION);
        String offset = header(r, DeadLetters.SOURCE_OFFSET);
        if (topic == null || partition == null || offset == null) {
            return null;
        }
        try {
            return new Letter(new TopicPartition(topic, Integer.parseInt(partition)), Long.parseLong(offset),
                    r.timestamp(), r.value() == null ? -1 : r.value().length);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
