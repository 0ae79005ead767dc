package org.tidbcdc.routes.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.tidbcdc.routes.testsupport.FileSinkScan;
import org.tidbcdc.routes.testsupport.Fixtures;
import org.tidbcdc.routes.testsupport.KafkaProcess;
import org.tidbcdc.routes.testsupport.Management;
import org.tidbcdc.routes.testsupport.RoutesApp;

/** What every Kafka client of the routes does over a secured listener, proved in one pass. */
final class SecureDataPlane {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private SecureDataPlane() {
    }

    /**
     * A change reaches the file sink (the consumer), a bad record reaches {@code <topic>-dlq} (the admin client that
     * created it and the dead-letter producer), and both are committed with the consumer UP.
     */
    static void consumesCommitsAndDeadLetters(RoutesApp app, KafkaProcess kafka, String topic, Path sinkDir) {
        kafka.send(topic, 1, Fixtures.compact("02-docs-insert-tp_int-with-tidb-extension.json"));
        long bad = kafka.send(topic, 1, "{\"id\":0");

        await().atMost(WAIT).until(() -> FileSinkScan.of(sinkDir).lines() == 1);
        List<ConsumerRecord<byte[], byte[]>> dead = kafka.read(topic + "-dlq", 1, WAIT);
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":0");
        await().atMost(WAIT).until(() -> kafka.committedOffset("g-" + topic, topic, 1) == bad + 1);
        assertThat(new Management(app).ready().checkState("kafka-consumer")).isEqualTo("UP");
    }
}
