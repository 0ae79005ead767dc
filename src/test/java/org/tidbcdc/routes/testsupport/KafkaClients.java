package org.tidbcdc.routes.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What a test does with a broker, whichever way the broker runs: topics, an acknowledged producer, a reader from the
 * beginning and the committed offsets of a group. The producer is made on first use and survives a broker restart.
 */
public abstract class KafkaClients implements AutoCloseable {

    /** The largest record the test brokers accept ({@code message.max.bytes}) and the producer sends. */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    /** How long a batch of sends may wait for the broker's acknowledgement. */
    private static final Duration ACK_TIMEOUT = Duration.ofMinutes(10);

    private FirstAckProducer producer;

    public abstract String bootstrapServers();

    public Admin admin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return Admin.create(p);
    }

    public void createTopic(String topic, int partitions) {
        createTopic(topic, partitions, Map.of());
    }

    public void createTopic(String topic, int partitions, Map<String, String> configs) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + topic, e);
        }
    }

    public boolean topicExists(String topic) {
        try (Admin admin = admin()) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private synchronized FirstAckProducer producer() {
        if (producer == null) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_MESSAGE_BYTES);
            p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 4L * MAX_MESSAGE_BYTES);
            p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            // a send outlasts a broker that hangs for minutes (fault suite scenario 10) instead of failing the test
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) ACK_TIMEOUT.toMillis());
            producer = new FirstAckProducer(p);
        }
        return producer;
    }

    /** Sends one record and waits for the broker's acknowledgement; returns its offset. */
    public long send(String topic, int partition, byte[] key, byte[] value, Header... headers) {
        try {
            ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, partition, key, value, List.of(headers));
            return producer().send(r).get(30, TimeUnit.SECONDS).offset();
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic + "-" + partition, e);
        }
    }

    public long send(String topic, int partition, String value) {
        return send(topic, partition, null, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends many records without waiting for each, then flushes: for loads, not for ordering across calls. */
    public void sendAll(Collection<ProducerRecord<byte[], byte[]>> records) {
        sendAllAcknowledged(records);
    }

    /**
     * Sends many records, each partition's in the given order, and returns where the broker put each one (in the
     * order given), once every one is acknowledged.
     */
    public List<RecordMetadata> sendAllAcknowledged(Collection<ProducerRecord<byte[], byte[]>> records) {
        List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
        for (ProducerRecord<byte[], byte[]> r : records) {
            acks.add(producer().send(r));
        }
        producer().flush();
        List<RecordMetadata> out = new ArrayList<>(acks.size());
        try {
            for (Future<RecordMetadata> ack : acks) {
                out.add(ack.get(ACK_TIMEOUT.toMillis() + 10_000, TimeUnit.MILLISECONDS));
            }
        } catch (Exception e) {
            throw new IllegalStateException("a record was not acknowledged", e);
        }
        return out;
    }

    /** Reads a topic from the beginning until {@code expected} records arrived or the timeout passed. */
    public List<ConsumerRecord<byte[], byte[]>> read(String topic, int expected, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 32 * 1024 * 1024);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** The end offset of each partition of a topic; empty when the topic does not exist. */
    public Map<Integer, Long> endOffsets(String topic) {
        if (!topicExists(topic)) {
            return Map.of();
        }
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
                    .forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<Integer, Long> out = new TreeMap<>();
            admin.listOffsets(request).all().get(30, TimeUnit.SECONDS)
                    .forEach((tp, info) -> out.put(tp.partition(), info.offset()));
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The committed offset of a group on one partition, or -1 when it committed nothing there. */
    public long committedOffset(String group, String topic, int partition) {
        OffsetAndMetadata o = committedOffsets(group).get(new TopicPartition(topic, partition));
        return o == null ? -1 : o.offset();
    }

    /** Every committed offset of a group. */
    public Map<TopicPartition, OffsetAndMetadata> committedOffsets(String group) {
        try (Admin admin = admin()) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Closes the producer; subclasses stop their broker after this. */
    protected synchronized void closeClients() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
