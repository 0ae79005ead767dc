package org.tidbcdc.routes.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidbcdc.routes.testsupport.FileSinkScan;
import org.tidbcdc.routes.testsupport.Fixtures;
import org.tidbcdc.routes.testsupport.KafkaProcess;
import org.tidbcdc.routes.testsupport.Management;
import org.tidbcdc.routes.testsupport.PipelineParts;
import org.tidbcdc.routes.testsupport.RoutesApp;

/** The data plane against a broker listener that takes SASL SCRAM-SHA-512 only, through the KAFKA_SASL_* settings. */
class KafkaSaslIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static KafkaProcess kafka;

    @TempDir
    Path sinkDir;

    @BeforeAll
    static void broker() {
        kafka = KafkaProcess.startWithScram(dir.resolve("kafka"));
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aUserTheBrokerDoesNotKnowYetShowsInReadinessAndIsTakenOnceCreatedWithoutARestart() throws Exception {
        String topic = "sasl-" + UUID.randomUUID();
        kafka.createTopic(topic, 3);
        String user = "cdc-" + UUID.randomUUID();
        Map<String, String> s = PipelineParts.dataPlane(kafka.secureBootstrapServers(), topic, sinkDir);
        s.put("cdc.sinks", "log,file");
        s.put("cdc.kafka.security-protocol", "SASL_PLAINTEXT");
        s.put("cdc.kafka.sasl-mechanism", "SCRAM-SHA-512");
        s.put("cdc.kafka.sasl-jaas-config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"" + user + "\" password=\"cdc-secret\";");
        s.put("cdc.kafka.auth-retry-interval", "1s");
        try (RoutesApp app = RoutesApp.start(s)) {
            Management m = new Management(app);
            // as when the routes start before the operator has created their KafkaUser
            await().atMost(WAIT).until(() -> m.ready().check("kafka-consumer").path("message").asText()
                    .contains("refuses this client's authentication"));
            assertThat(m.ready().check("kafka-consumer").path("message").asText()).contains("SCRAM-SHA-512");
            long offset = kafka.send(topic, 1, Fixtures.compact("02-docs-insert-tp_int-with-tidb-extension.json"));

            try (Admin admin = kafka.admin()) {
                admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "cdc-secret")))
                        .all().get(30, TimeUnit.SECONDS);
            }
            await().atMost(WAIT).until(() -> FileSinkScan.of(sinkDir).lines() == 1);
            await().atMost(WAIT).until(() -> kafka.committedOffset("g-" + topic, topic, 1) == offset + 1);
            await().atMost(WAIT).until(() -> "UP".equals(m.ready().checkState("kafka-consumer")));
        }
    }
}
