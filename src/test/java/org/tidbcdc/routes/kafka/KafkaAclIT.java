package org.tidbcdc.routes.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidbcdc.routes.testsupport.FileSinkScan;
import org.tidbcdc.routes.testsupport.Fixtures;
import org.tidbcdc.routes.testsupport.KafkaProcess;
import org.tidbcdc.routes.testsupport.LogCapture;
import org.tidbcdc.routes.testsupport.Management;
import org.tidbcdc.routes.testsupport.PipelineParts;
import org.tidbcdc.routes.testsupport.RoutesApp;

/**
 * The routes on a broker that authorizes every request by ACL, as a least-privilege production cluster does: the ACLs
 * docs/kafka-security.md lists are enough, and a missing one stops nothing from being delivered once it is granted.
 */
class KafkaAclIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static KafkaProcess kafka;

    @TempDir
    Path sinkDir;

    @BeforeAll
    static void broker() {
        kafka = KafkaProcess.startWithAcls(dir.resolve("kafka"));
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    /** A new topic and a SCRAM user allowed exactly these operations on the topic, the group and the DLQ. */
    record Grant(String topic, String user) {
        static Grant of(AclOperation... onDeadLetterTopic) throws Exception {
            Grant g = new Grant("acl-" + UUID.randomUUID(), "cdc-" + UUID.randomUUID());
            kafka.createTopic(g.topic(), 3);
            try (Admin admin = kafka.admin()) {
                admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(g.user(),
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "cdc-secret")))
                        .all().get(30, TimeUnit.SECONDS);
            }
            g.allow(ResourceType.TOPIC, g.topic(), AclOperation.READ);
            g.allow(ResourceType.GROUP, "g-" + g.topic(), AclOperation.READ);
            g.allow(ResourceType.TOPIC, g.topic() + "-dlq", onDeadLetterTopic);
            return g;
        }

        void allow(ResourceType type, String name, AclOperation... operations) throws Exception {
            List<AclBinding> acls = new ArrayList<>();
            for (AclOperation operation : operations) {
                acls.add(new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                        new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW)));
            }
            try (Admin admin = kafka.admin()) {
                admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
            }
        }

        Map<String, String> settings(Path sinkDir) {
            Map<String, String> s = PipelineParts.dataPlane(kafka.secureBootstrapServers(), topic, sinkDir);
            s.put("cdc.sinks", "log,file");
            s.put("cdc.kafka.security-protocol", "SASL_PLAINTEXT");
            s.put("cdc.kafka.sasl-mechanism", "SCRAM-SHA-512");
            s.put("cdc.kafka.sasl-jaas-config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                    + " username=\"" + user + "\" password=\"cdc-secret\";");
            s.put("cdc.retry.delay-ms", "100");
            s.put("cdc.retry.max-delay-ms", "500");
            s.put("cdc.retry.max-redeliveries", "2");
            s.put("cdc.kafka.auth-retry-interval", "1s");
            return s;
        }
    }

    @Test
    void theDocumentedAclsAreEnoughToConsumeCommitAndCreateAndFillTheDeadLetterTopic() throws Exception {
        // no DESCRIBE_CONFIGS on the source topic: the dead-letter topic is then sized without it
        Grant g = Grant.of(AclOperation.CREATE, AclOperation.WRITE, AclOperation.READ);
        try (RoutesApp app = RoutesApp.start(g.settings(sinkDir))) {
            SecureDataPlane.consumesCommitsAndDeadLetters(app, kafka, g.topic(), sinkDir);
        }
    }

    @Test
    void withoutWriteOnTheDeadLetterTopicTheBatchWaitsSaysWhyAndGoesOnOnceGranted() throws Exception {
        Grant g = Grant.of(AclOperation.CREATE, AclOperation.READ);
        try (RoutesApp app = RoutesApp.start(g.settings(sinkDir))) {
            Management m = new Management(app);
            long good = kafka.send(g.topic(), 1, Fixtures.compact("02-docs-insert-tp_int-with-tidb-extension.json"));
            kafka.send(g.topic(), 1, "{\"id\":0");
            await().atMost(WAIT).until(() -> m.ready().check("cdc-delivery").path("message").asText()
                    .contains("AuthorizationException"));
            // before, the failed dead letter ended its batch without a rewind: this record's commit passed over both
            long later = kafka.send(g.topic(), 1, Fixtures.compact("02-docs-insert-tp_int-with-tidb-extension.json")
                    .replace("\"id\":\"2\"", "\"id\":\"3\""));
            await().atMost(WAIT).until(() -> m.ready().check("cdc-delivery").path("message").asText()
                    .contains("AuthorizationException"));
            assertThat(kafka.committedOffset("g-" + g.topic(), g.topic(), 1)).isLessThanOrEqualTo(good);
            assertThat(FileSinkScan.of(sinkDir).lines()).isZero();

            g.allow(ResourceType.TOPIC, g.topic() + "-dlq", AclOperation.WRITE);
            await().atMost(WAIT).until(() -> kafka.committedOffset("g-" + g.topic(), g.topic(), 1) == later + 1);
            assertThat(kafka.read(g.topic() + "-dlq", 1, WAIT)).hasSize(1);
            assertThat(FileSinkScan.of(sinkDir).lines()).isEqualTo(2);
            await().atMost(WAIT).until(() -> "UP".equals(m.ready().checkState("cdc-delivery")));
        }
    }

    @Test
    void withoutReadOnTheGroupNothingIsConsumedAndConsumptionStartsOnceGrantedWithoutARestart() throws Exception {
        Grant g = Grant.of(AclOperation.CREATE, AclOperation.WRITE, AclOperation.READ);
        String group = "g-" + g.topic();
        try (Admin admin = kafka.admin()) {
            admin.deleteAcls(List.of(new AclBindingFilter(
                    new ResourcePatternFilter(ResourceType.GROUP, group, PatternType.LITERAL),
                    AccessControlEntryFilter.ANY))).all().get(30, TimeUnit.SECONDS);
        }
        try (LogCapture polls = LogCapture.of("org.apache.camel.component.kafka.KafkaFetchRecords");
                RoutesApp app = RoutesApp.start(g.settings(sinkDir))) {
            Management m = new Management(app);
            long offset = kafka.send(g.topic(), 0, Fixtures.compact("02-docs-insert-tp_int-with-tidb-extension.json"));
            // camel-kafka logs the broker's refusal of each poll, but its health state keeps only "not ready"
            await().atMost(WAIT).until(() -> polls.count("GroupAuthorizationException") > 0);
            await().atMost(WAIT).until(() -> m.ready().check("kafka-consumer").path("message").asText()
                    .contains("ACLs do not let this client READ the group '" + group + "' (CDC_GROUP_ID)"));
            assertThat(kafka.committedOffset(group, g.topic(), 0)).isLessThanOrEqualTo(offset);

            g.allow(ResourceType.GROUP, group, AclOperation.READ);
            await().atMost(WAIT).until(() -> kafka.committedOffset(group, g.topic(), 0) == offset + 1);
            assertThat(FileSinkScan.of(sinkDir).lines()).isEqualTo(1);
            await().atMost(WAIT).until(() -> "UP".equals(m.ready().checkState("kafka-consumer")));
        }
    }

    @Test
    void withoutReadOnTheTopicReadinessNamesTheTopicAndConsumptionStartsOnceGranted() throws Exception {
        Grant g = Grant.of(AclOperation.CREATE, AclOperation.WRITE, AclOperation.READ);
        try (Admin admin = kafka.admin()) {
            admin.deleteAcls(List.of(new AclBindingFilter(
                    new ResourcePatternFilter(ResourceType.TOPIC, g.topic(), PatternType.LITERAL),
                    AccessControlEntryFilter.ANY))).all().get(30, TimeUnit.SECONDS);
        }
        try (RoutesApp app = RoutesApp.start(g.settings(sinkDir))) {
            Management m = new Management(app);
            long offset = kafka.send(g.topic(), 2, Fixtures.compact("02-docs-insert-tp_int-with-tidb-extension.json"));
            await().atMost(WAIT).until(() -> m.ready().check("kafka-consumer").path("message").asText()
                    .contains("ACLs do not let this client READ the topic '" + g.topic() + "' (CDC_TOPIC)"));
            assertThat(m.ready().status()).isEqualTo(503);

            g.allow(ResourceType.TOPIC, g.topic(), AclOperation.READ);
            await().atMost(WAIT).until(() -> kafka.committedOffset("g-" + g.topic(), g.topic(), 2) == offset + 1);
            assertThat(FileSinkScan.of(sinkDir).lines()).isEqualTo(1);
            await().atMost(WAIT).until(() -> "UP".equals(m.ready().checkState("kafka-consumer")));
        }
    }
}
