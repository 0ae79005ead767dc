package org.tidbcdc.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidbcdc.routes.testsupport.RoutesProcess;

/** The real jar, at DEBUG, with every secret setting filled in: none of them may appear in its output. */
class SecretsIT {

    @TempDir
    Path dir;

    @Test
    void noSecretIsEverLogged() throws Exception {
        Path log = dir.resolve("routes.log");
        Map<String, String> env = Map.ofEntries(
                Map.entry("LOG_LEVEL", "DEBUG"),
                Map.entry("SINK_DIR", dir.resolve("sink").toString()),
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1"),
                Map.entry("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT"),
                Map.entry("KAFKA_SASL_MECHANISM", "PLAIN"),
                Map.entry("KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"cdc\" password=\"jaas-s3cr3t\";"),
                Map.entry("KAFKA_SSL_TRUSTSTORE_PASSWORD", "truststore-s3cr3t"),
                Map.entry("KAFKA_SSL_KEYSTORE_PASSWORD", "keystore-s3cr3t"),
                Map.entry("KAFKA_SSL_KEY_PASSWORD", "key-s3cr3t"),
                Map.entry("AUDIT_DB_PASSWORD", "audit-s3cr3t"),
                Map.entry("AUDIT_JDBC_URL", "jdbc:mysql://127.0.0.1:1/cdc_audit"));
        try (RoutesProcess routes = RoutesProcess.start(env, List.of("-Xmx256m"), log)) {
            // readiness is DOWN (nothing to reach), but answering means startup and the first checks ran
            await().atMost(Duration.ofSeconds(60)).until(() -> routes.status("/observe/health/ready") == 503);
            assertThat(routes.body("/observe/health/ready?exposureLevel=full")).contains("audit-database");
        }
        String output = Files.readString(log);
        assertThat(output).contains("Apache Camel").contains("*AUDIT_DB_PASSWORD=******",
                "password=******;");
        assertThat(output).doesNotContain("jaas-s3cr3t").doesNotContain("truststore-s3cr3t")
                .doesNotContain("keystore-s3cr3t").doesNotContain("key-s3cr3t").doesNotContain("audit-s3cr3t");
    }
}
