package org.tidbcdc.routes.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

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
 * The data plane against a broker whose listener speaks TLS only and takes only clients with a certificate its CA
 * signed (Strimzi's {@code tls} listener with {@code authentication: tls}). The consumer, the dead-letter producer and
 * the admin client that creates the dead-letter topic all reach it through the KAFKA_SSL_* settings alone.
 */
class KafkaTlsIT {

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
        kafka = KafkaProcess.startWithMutualTls(dir.resolve("kafka"), pki);
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    Map<String, String> settings(String topic) {
        Map<String, String> s = PipelineParts.dataPlane(kafka.secureBootstrapServers(), topic, sinkDir);
        s.put("cdc.kafka.security-protocol", "SSL");
        s.put("cdc.sinks", "log,file");
        return s;
    }

    /**
     * Settings with the keystore at {@code keystore}, a file that a secret mount or cert-manager renews in place,
     * first a copy of {@code first}; refusals are acted on every second.
     */
    Map<String, String> renewedInPlace(String topic, Path keystore, Path first) throws Exception {
        Files.copy(first, keystore, StandardCopyOption.REPLACE_EXISTING);
        Map<String, String> s = settings(topic);
        s.put("cdc.kafka.ssl-keystore-location", keystore.toString());
        s.put("cdc.kafka.ssl-keystore-password", "pw");
        s.put("cdc.kafka.ssl-truststore-location", pki.caFile().toString());
        s.put("cdc.kafka.ssl-truststore-type", "PEM");
        s.put("cdc.kafka.auth-retry-interval", "1s");
        return s;
    }

    String newTopic() {
        String topic = "tls-" + UUID.randomUUID();
        kafka.createTopic(topic, 3);
        return topic;
    }

    @Test
    void withAPkcs12ClientCertificateAndThePemCaChangesAreConsumedCommittedAndBadRecordsDeadLettered() {
        String topic = newTopic();
        Map<String, String> s = settings(topic);
        // as Strimzi hands them out: user.p12 (the key under the store's password) and the cluster CA's ca.crt
        s.put("cdc.kafka.ssl-keystore-location", pki.keyStoreFile("PKCS12", "cdc-user", false, "user-pw", "user-pw")
                .toString());
        s.put("cdc.kafka.ssl-keystore-password", "user-pw");
        s.put("cdc.kafka.ssl-keystore-type", "PKCS12");
        s.put("cdc.kafka.ssl-truststore-location", pki.caFile().toString());
        s.put("cdc.kafka.ssl-truststore-type", "PEM");
        try (RoutesApp app = RoutesApp.start(s)) {
            SecureDataPlane.consumesCommitsAndDeadLetters(app, kafka, topic, sinkDir);
        }
    }

    @Test
    void aJksKeystoreWhoseKeyHasItsOwnPasswordAndAPkcs12Truststore() {
        String topic = newTopic();
        Map<String, String> s = settings(topic);
        s.put("cdc.kafka.ssl-keystore-location", pki.keyStoreFile("JKS", "cdc-jks", false, "store-pw", "key-pw")
                .toString());
        s.put("cdc.kafka.ssl-keystore-password", "store-pw");
        s.put("cdc.kafka.ssl-key-password", "key-pw");
        s.put("cdc.kafka.ssl-truststore-location", pki.trustStoreFile("trust-pw").toString());
        s.put("cdc.kafka.ssl-truststore-password", "trust-pw");
        try (RoutesApp app = RoutesApp.start(s)) {
            long offset = kafka.send(topic, 2, Fixtures.compact("02-docs-insert-tp_int-with-tidb-extension.json"));
            await().atMost(WAIT).until(() -> FileSinkScan.of(sinkDir).lines() == 1);
            await().atMost(WAIT).until(() -> kafka.committedOffset("g-" + topic, topic, 2) == offset + 1);
        }
    }

    @Test
    void aRefusedCertificateShowsInReadinessAndARenewedOneIsTakenWithoutARestart() throws Exception {
        String topic = newTopic();
        // first a certificate of a CA the broker does not trust: it refuses the handshake, camel-kafka stops the consumer
        Path keystore = dir.resolve("renewed-in-place.p12");
        Map<String, String> s = renewedInPlace(topic, keystore,
                TestPki.create(dir, "other-ca").keyStoreFile("PKCS12", "cdc-old", false, "pw", "pw"));
        try (RoutesApp app = RoutesApp.start(s)) {
            Management m = new Management(app);
            await().atMost(WAIT).until(() -> m.ready().check("kafka-consumer").path("message").asText()
                    .contains("refuses this client's authentication"));
            assertThat(m.ready().checkState("kafka-consumer")).isEqualTo("DOWN");
            long offset = kafka.send(topic, 0, Fixtures.compact("02-docs-insert-tp_int-with-tidb-extension.json"));

            Path renewed = pki.keyStoreFile("PKCS12", "cdc-new", false, "pw", "pw");
            Files.copy(renewed, keystore, StandardCopyOption.REPLACE_EXISTING);
            await().atMost(WAIT).until(() -> FileSinkScan.of(sinkDir).lines() == 1);
            await().atMost(WAIT).until(() -> kafka.committedOffset("g-" + topic, topic, 0) == offset + 1);
            await().atMost(WAIT).until(() -> "UP".equals(m.ready().checkState("kafka-consumer")));
        }
    }

    @Test
    void aDeadLetterAfterTheFirstCertificateExpiredGoesOutWithTheRenewedOne() throws Exception {
        String topic = newTopic();
        // cert-manager's cycle: the file is renewed in place before the certificate the process loaded expires, here
        // in 30 s, long enough for a slow machine to start the routes and consume a record with it
        Instant expiry = Instant.now().plus(Duration.ofSeconds(30));
        Path keystore = dir.resolve("expiring.p12");
        Map<String, String> s = renewedInPlace(topic, keystore,
                pki.keyStoreFile("PKCS12", "cdc-expiring", false, "pw", "pw", expiry));
        // quick retries: the refused batch is rewound, and the refusal acted on, within a second
        s.put("cdc.retry.delay-ms", "100");
        s.put("cdc.retry.max-delay-ms", "500");
        s.put("cdc.retry.max-redeliveries", "2");
        try (RoutesApp app = RoutesApp.start(s)) {
            long good = kafka.send(topic, 0, Fixtures.compact("02-docs-insert-tp_int-with-tidb-extension.json"));
            await().atMost(WAIT).until(() -> kafka.committedOffset("g-" + topic, topic, 0) == good + 1);
            Files.copy(pki.keyStoreFile("PKCS12", "cdc-renewed", false, "pw", "pw"), keystore,
                    StandardCopyOption.REPLACE_EXISTING);
            await().atMost(WAIT).until(() -> Instant.now().isAfter(expiry.plusSeconds(1)));

            // the consumer's connections outlive the certificate; the dead-letter producer's first one does not
            long bad = kafka.send(topic, 0, "{\"id\":0");
            assertThat(new String(kafka.read(topic + "-dlq", 1, WAIT).get(0).value(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"id\":0");
            await().atMost(WAIT).until(() -> kafka.committedOffset("g-" + topic, topic, 0) == bad + 1);
            await().atMost(WAIT).until(() -> "UP".equals(new Management(app).ready().checkState("cdc-delivery")));
        }
    }
}
