package org.tidbcdc.routes.kafka;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidbcdc.routes.testsupport.TestPki;

/**
 * The Kafka client's security settings are checked at startup, naming the setting: TLS on real key and trust stores,
 * SASL on the JAAS login Kafka would read.
 */
class KafkaSecurityTest {

    @TempDir
    Path dir;

    static Properties client(String protocol, String... settings) {
        Properties p = new Properties();
        p.put("bootstrap.servers", "127.0.0.1:9093");
        p.put("security.protocol", protocol);
        for (int i = 0; i < settings.length; i += 2) {
            p.put(settings[i], settings[i + 1]);
        }
        return p;
    }

    @Test
    void plaintextWithoutTlsSettingsPasses() {
        assertThatCode(() -> KafkaSecurity.check(client("PLAINTEXT"))).doesNotThrowAnyException();
    }

    @Test
    void aProtocolKafkaDoesNotKnowIsNamed() {
        assertThatThrownBy(() -> KafkaSecurity.check(client("TLS")))
                .hasMessage("KAFKA_SECURITY_PROTOCOL: 'TLS' is not one of [PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL]");
    }

    @Test
    void aStoreSetWithAProtocolWithoutTlsIsNotIgnoredInSilence() {
        TestPki pki = TestPki.create(dir, "kafka");
        assertThatThrownBy(() -> KafkaSecurity.check(client("SASL_PLAINTEXT",
                "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", SCRAM_LOGIN,
                "ssl.keystore.location", pki.keyStoreFile("PKCS12", "cdc", false, "pw", "pw").toString())))
                .hasMessage("KAFKA_SSL_KEYSTORE_LOCATION is set, but KAFKA_SECURITY_PROTOCOL is SASL_PLAINTEXT, which"
                        + " does not use TLS: set it to SSL or SASL_SSL");
    }

    @Test
    void aPemCaCertificateAloneIsEnoughForOneWayTls() {
        TestPki pki = TestPki.create(dir, "kafka");
        assertThatCode(() -> KafkaSecurity.check(client("SSL",
                "ssl.truststore.location", pki.caFile().toString(), "ssl.truststore.type", "PEM")))
                .doesNotThrowAnyException();
    }

    @Test
    void aPkcs12KeystoreOpensWithItsPasswordAlone() {
        TestPki pki = TestPki.create(dir, "kafka");
        assertThatCode(() -> KafkaSecurity.check(client("SSL",
                "ssl.keystore.location", pki.keyStoreFile("PKCS12", "cdc", false, "pw", "pw").toString(),
                "ssl.keystore.password", "pw", "ssl.keystore.type", "PKCS12",
                "ssl.truststore.location", pki.trustStoreFile("ca-pw").toString(),
                "ssl.truststore.password", "ca-pw"))).doesNotThrowAnyException();
    }

    @Test
    void aWrongKeystorePasswordStopsStartupNamingTheKeystoreSettings() {
        TestPki pki = TestPki.create(dir, "kafka");
        Path keystore = pki.keyStoreFile("PKCS12", "cdc", false, "pw", "pw");
        assertThatThrownBy(() -> KafkaSecurity.check(client("SSL",
                "ssl.keystore.location", keystore.toString(), "ssl.keystore.password", "wrong")))
                .hasMessageStartingWith("KAFKA_SSL_KEYSTORE_LOCATION, KAFKA_SSL_KEYSTORE_PASSWORD,")
                .hasMessageContaining("Failed to load SSL keystore " + keystore)
                .hasMessageContaining("password was incorrect")
                .hasMessageNotContaining("wrong");
    }

    @Test
    void aFileTooShortForAKeystoreSaysSoInsteadOfEndingAtTheFileName() throws Exception {
        // the JDK fails it with an EOFException without a message
        Path truncated = Files.writeString(dir.resolve("user.p12"), "x\n");
        assertThatThrownBy(() -> KafkaSecurity.check(client("SSL",
                "ssl.keystore.location", truncated.toString(), "ssl.keystore.password", "pw")))
                .hasMessageStartingWith("KAFKA_SSL_KEYSTORE_LOCATION,")
                .hasMessageEndingWith("Failed to load SSL keystore " + truncated + " of type JKS: EOFException");
    }

    @Test
    void aMissingTruststoreFileStopsStartupNamingTheTruststoreSettings() {
        Path missing = dir.resolve("no-such-ca.p12");
        assertThatThrownBy(() -> KafkaSecurity.check(client("SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", SCRAM_LOGIN,
                "ssl.truststore.location", missing.toString(), "ssl.truststore.password", "pw")))
                .hasMessageStartingWith("KAFKA_SSL_TRUSTSTORE_LOCATION, KAFKA_SSL_TRUSTSTORE_PASSWORD,")
                .hasMessageContaining(missing.toString());
    }

    @Test
    void aKeyWithItsOwnPasswordNeedsKafkaSslKeyPassword() {
        TestPki pki = TestPki.create(dir, "kafka");
        String keystore = pki.keyStoreFile("JKS", "cdc", false, "store-pw", "key-pw").toString();
        assertThatThrownBy(() -> KafkaSecurity.check(client("SSL",
                "ssl.keystore.location", keystore, "ssl.keystore.password", "store-pw")))
                .hasMessageContaining("KAFKA_SSL_KEY_PASSWORD");
        assertThatCode(() -> KafkaSecurity.check(client("SSL",
                "ssl.keystore.location", keystore, "ssl.keystore.password", "store-pw", "ssl.key.password", "key-pw")))
                .doesNotThrowAnyException();
    }

    static final String SCRAM_LOGIN =
            "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"cdc\" password=\"s3cret\";";

    @Test
    void aScramLoginWithItsMechanismPasses() {
        assertThatCode(() -> KafkaSecurity.check(client("SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", SCRAM_LOGIN))).doesNotThrowAnyException();
    }

    @Test
    void saslWithoutALoginNamesKafkaSaslJaasConfigInsteadOfFailingARouteLater() {
        assertThatThrownBy(() -> KafkaSecurity.check(client("SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512")))
                .hasMessageStartingWith("KAFKA_SASL_JAAS_CONFIG: Could not find a 'KafkaClient' entry")
                .hasMessageContaining("KAFKA_SECURITY_PROTOCOL SASL_PLAINTEXT needs a login");
    }

    @Test
    void aLoginThatDoesNotParseIsNamedWithoutItsPassword() {
        assertThatThrownBy(() -> KafkaSecurity.check(client("SASL_SSL", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", SCRAM_LOGIN.replace(";", "")))) // the closing semicolon forgotten
                .hasMessageStartingWith("KAFKA_SASL_JAAS_CONFIG: JAAS config entry not terminated by semi-colon")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void aLoginModuleThatIsNotOnTheClassPathIsNamed() {
        assertThatThrownBy(() -> KafkaSecurity.check(client("SASL_SSL", "sasl.mechanism", "SCRAM-SHA-256",
                "sasl.jaas.config", SCRAM_LOGIN.replace("scram.ScramLoginModule", "scram.ScramLogin"))))
                .hasMessage("KAFKA_SASL_JAAS_CONFIG: login module org.apache.kafka.common.security.scram.ScramLogin"
                        + " is not on the class path");
    }

    @Test
    void aScramLoginLeftOnKafkasDefaultMechanismNamesKafkaSaslMechanism() {
        // without sasl.mechanism Kafka tries Kerberos and fails on the missing service name
        assertThatThrownBy(() -> KafkaSecurity.check(client("SASL_SSL", "sasl.jaas.config", SCRAM_LOGIN)))
                .hasMessageStartingWith("KAFKA_SASL_MECHANISM is GSSAPI (Kerberos, Kafka's default), but"
                        + " KAFKA_SASL_JAAS_CONFIG logs in with org.apache.kafka.common.security.scram.ScramLoginModule");
    }

    @Test
    void aLoginSetWithAProtocolWithoutSaslIsNotIgnoredInSilence() {
        assertThatThrownBy(() -> KafkaSecurity.check(client("SSL", "sasl.jaas.config", SCRAM_LOGIN)))
                .hasMessage("KAFKA_SASL_JAAS_CONFIG is set, but KAFKA_SECURITY_PROTOCOL is SSL, which does not use"
                        + " SASL: set it to SASL_PLAINTEXT or SASL_SSL");
    }
}
