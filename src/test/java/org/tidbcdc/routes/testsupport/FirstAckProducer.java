package org.tidbcdc.routes.testsupport;

import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A producer of the tests that waits for the first record it sends to a partition to be acknowledged before it sends
 * that partition anything else. A broker with no state for an idempotent producer on a partition (a new topic) takes
 * whatever sequence number comes first; when the first batch failed once (the partition was not led yet) while the next
 * ones were in flight, those were appended, and the retried first batch was refused as out of order until the
 * delivery timeout. The fault suite hit this once, on a topic it had just created.
 */
public final class FirstAckProducer implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final Set<TopicPartition> started = ConcurrentHashMap.newKeySet();

    public FirstAckProducer(Properties config) {
        this.producer = new KafkaProducer<>(config);
    }

    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        return send(record, null);
    }

    /** Sends {@code record}; the first one to its partition only returns once the broker has it. */
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        Future<RecordMetadata> ack = producer.send(record, callback);
        if (record.partition() != null && started.add(new TopicPartition(record.topic(), record.partition()))) {
            try {
                ack.get(120, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the first record to " + record.topic() + "-" + record.partition()
                        + " was not acknowledged", e);
            }
        }
        return ack;
    }

    public void flush() {
        producer.flush();
    }

    public void close(Duration timeout) {
        producer.close(timeout);
    }

    @Override
    public void close() {
        producer.close();
    }
}
