package org.tidbcdc.routes.kafka;

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
import org.tidbcdc.routes.testsupport.TestPki;

/**
 * The data plane against broker listeners that take SASL SCRAM-SHA-512 only, in the clear and inside TLS, through the
 * KAFKA_SASL_* and KAFKA_SSL_* settings.
 */
class KafkaSaslIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static TestPki pki;
    static KafkaProcess kafka;

    @TempDir
    Path sinkDir;

    @BeforeAll
    static void broker() {
        pki = TestPki.create(dir, "kafka-ca");
        kafka = KafkaProcess.startWithScram(dir.resolve("kafka"), pki);
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    Map<String, String> settings(String bootstrapServers, String protocol, String topic, String user) {
        Map<String, String> s = PipelineParts.dataPlane(bootstrapServers, topic, sinkDir);
        s.put("cdc.sinks", "log,file");
        s.put("cdc.kafka.security-protocol", protocol);
        s.put("cdc.kafka.sasl-mechanism", "SCRAM-SHA-512");
        s.put("cdc.kafka.sasl-jaas-config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"" + user + "\" password=\"cdc-secret\";");
        return s;
    }

    static void createUser(String user) throws Exception {
        try (Admin admin = kafka.admin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "cdc-secret")))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    static String newTopic() {
        String topic = "sasl-" + UUID.randomUUID();
        kafka.createTopic(topic, 3);
        return topic;
    }

    @Test
    void overSaslSslChangesAreConsumedCommittedAndBadRecordsDeadLettered() throws Exception {
        String topic = newTopic();
        String user = "cdc-" + UUID.randomUUID();
        createUser(user);
        // the consumer, the dead-letter producer and the admin client that creates the dead-letter topic all log in
        // with SCRAM inside TLS, trusting the cluster CA's PEM certificate
        Map<String, String> s = settings(kafka.saslSslBootstrapServers(), "SASL_SSL", topic, user);
        s.put("cdc.kafka.ssl-truststore-location", pki.caFile().toString());
        s.put("cdc.kafka.ssl-truststore-type", "PEM");
        try (RoutesApp app = RoutesApp.start(s)) {
            SecureDataPlane.consumesCommitsAndDeadLetters(app, kafka, topic, sinkDir);
        }
    }

    @Test
    void aUserTheBrokerDoesNotKnowYetShowsInReadinessAndIsTakenOnceCreatedWithoutARestart() throws Exception {
        String topic = newTopic();
        String user = "cdc-" + UUID.randomUUID();
        Map<String, String> s = settings(kafka.secureBootstrapServers(), "SASL_PLAINTEXT", topic, user);
        s.put("cdc.kafka.auth-retry-interval", "1s");
        try (RoutesApp app = RoutesApp.start(s)) {
            Management m = new Management(app);
            // as when the routes start before the operator has created their KafkaUser
            await().atMost(WAIT).until(() -> m.ready().check("kafka-consumer").path("message").asText()
                    .contains("refuses this client's authentication"));
            assertThat(m.ready().check("kafka-consumer").path("message").asText()).contains("SCRAM-SHA-512");
            long offset = kafka.send(topic, 1, Fixtures.compact("02-docs-insert-tp_int-with-tidb-extension.json"));

            createUser(user);
            await().atMost(WAIT).until(() -> FileSinkScan.of(sinkDir).lines() == 1);
            await().atMost(WAIT).until(() -> kafka.committedOffset("g-" + topic, topic, 1) == offset + 1);
            await().atMost(WAIT).until(() -> "UP".equals(m.ready().checkState("kafka-consumer")));
        }
    }
}
