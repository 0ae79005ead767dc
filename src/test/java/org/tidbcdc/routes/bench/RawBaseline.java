package org.tidbcdc.routes.bench;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The raw baseline: a plain {@link KafkaConsumer} poll loop that parses each value with Jackson and does nothing
 * more: no commit, no sink. It runs as its own process with the routes' JVM settings and the routes.jar class path,
 * and with the Kafka consumer settings of the routes' defaults, so the two differ only in what the routes do.
 *
 * <p>Arguments: {@code bootstrap topic group expectedRecords maxPollRecords maxPartitionFetchBytes fetchMaxBytes
 * fetchMaxWaitMs [latency]}. It
 * prints {@code FIRST <nanoTime>} when the first record arrives, {@code HALF <nanoTime>} at half of the expected
 * records, then {@code DRAINED <records> <bytes>
 * <firstNanos> <lastNanos>}; with {@code latency}, also {@code SEEN <records>} after each poll and, at the end, one
 * line {@code L <record timestamp> <latency ms>} per record, the latency being the wall clock after the parse minus
 * the record timestamp. System.nanoTime is CLOCK_MONOTONIC on Linux, one clock for every process. It then waits
 * for its standard input to close, so that it is still there to be measured.
 */
public final class RawBaseline {

    private RawBaseline() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        String group = args[2];
        long expected = Long.parseLong(args[3]);
        boolean latency = args.length > 8 && "latency".equals(args[8]);
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, args[4]);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, args[5]);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, args[6]);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, args[7]);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        ObjectMapper json = new ObjectMapper();
        long records = 0;
        long bytes = 0;
        long first = 0;
        long last = 0;
        long blackhole = 0;
        long[] timestamps = new long[latency ? (int) expected : 0];
        long[] latencies = new long[timestamps.length];
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            while (records < expected) {
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(100));
                for (ConsumerRecord<byte[], byte[]> r : polled) {
                    if (first == 0) {
                        first = System.nanoTime();
                        System.out.println("FIRST " + first);
                    }
                    blackhole += json.readTree(r.value()).size();
                    if (records < latencies.length) {
                        latencies[(int) records] = System.currentTimeMillis() - r.timestamp();
                        timestamps[(int) records] = r.timestamp();
                    }
                    records++;
                    if (records == expected / 2) {
                        System.out.println("HALF " + System.nanoTime());
                    }
                    bytes += r.serializedValueSize();
                }
                if (latency && !polled.isEmpty()) {
                    System.out.println("SEEN " + records);
                }
            }
            last = System.nanoTime();
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < latencies.length; i++) {
            b.append("L ").append(timestamps[i]).append(' ').append(latencies[i]).append('\n');
        }
        System.out.print(b);
        System.out.println("DRAINED " + records + " " + bytes + " " + first + " " + last + " " + (blackhole & 1));
        System.out.flush();
        // the benchmark reads this process's peak RSS and CPU time from /proc after DRAINED, then closes our input
        while (System.in.read() != -1) {
            // nothing is sent
        }
    }
}
