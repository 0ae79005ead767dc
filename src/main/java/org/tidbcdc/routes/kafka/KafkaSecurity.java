package org.tidbcdc.routes.kafka;

import java.util.Map;
import java.util.Properties;

import javax.security.auth.login.AppConfigurationEntry;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.security.JaasContext;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.security.ssl.DefaultSslEngineFactory;

/**
 * Checks the Kafka client's security settings at startup, by loading the key and trust stores and reading the JAAS
 * login the way every Kafka client of this application will. Without it, a wrong keystore password or a missing file
 * showed only as a consumer that never joined and a dead-letter topic retried for ever, a missing JAAS login as a
 * stack trace about a route that named no setting, and a keystore or a login set with a protocol that does not use
 * it was ignored without a word.
 */
public final class KafkaSecurity {

    private static final Map<String, String> LOCATIONS = Map.of(
            SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, "KAFKA_SSL_KEYSTORE_LOCATION",
            SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, "KAFKA_SSL_TRUSTSTORE_LOCATION");

    private KafkaSecurity() {
    }

    /** @param client the settings of the application's Kafka clients, as Kafka takes them */
    public static void check(Properties client) {
        String name = String.valueOf(client.get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG));
        SecurityProtocol protocol;
        try {
            protocol = SecurityProtocol.forName(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("KAFKA_SECURITY_PROTOCOL: '" + name + "' is not one of "
                    + SecurityProtocol.names());
        }
        checkSasl(client, protocol);
        boolean tls = protocol == SecurityProtocol.SSL || protocol == SecurityProtocol.SASL_SSL;
        if (!tls) {
            LOCATIONS.forEach((key, setting) -> {
                if (client.containsKey(key)) {
                    throw new IllegalArgumentException(setting + " is set, but KAFKA_SECURITY_PROTOCOL is " + name
                            + ", which does not use TLS: set it to SSL or SASL_SSL");
                }
            });
            return;
        }
        // Kafka's messages say "keystore" for either store: loading the trust store alone first tells them apart
        Properties trustOnly = new Properties();
        client.forEach((key, value) -> {
            if (!key.toString().startsWith("ssl.keystore.") && !key.equals(SslConfigs.SSL_KEY_PASSWORD_CONFIG)) {
                trustOnly.put(key, value);
            }
        });
        load(trustOnly, "KAFKA_SSL_TRUSTSTORE_LOCATION, KAFKA_SSL_TRUSTSTORE_PASSWORD, KAFKA_SSL_TRUSTSTORE_TYPE");
        load(client, "KAFKA_SSL_KEYSTORE_LOCATION, KAFKA_SSL_KEYSTORE_PASSWORD, KAFKA_SSL_KEYSTORE_TYPE,"
                + " KAFKA_SSL_KEY_PASSWORD");
    }

    private static void checkSasl(Properties client, SecurityProtocol protocol) {
        boolean sasl = protocol == SecurityProtocol.SASL_PLAINTEXT || protocol == SecurityProtocol.SASL_SSL;
        if (!sasl) {
            if (client.containsKey(SaslConfigs.SASL_JAAS_CONFIG)) {
                throw new IllegalArgumentException("KAFKA_SASL_JAAS_CONFIG is set, but KAFKA_SECURITY_PROTOCOL is "
                        + protocol + ", which does not use SASL: set it to SASL_PLAINTEXT or SASL_SSL");
            }
            return;
        }
        JaasContext login;
        try {
            // reads KAFKA_SASL_JAAS_CONFIG, or a JAAS file given by java.security.auth.login.config, as Kafka does
            login = JaasContext.loadClientContext(new AdminClientConfig(client).values());
        } catch (IllegalArgumentException | SecurityException e) {
            throw new IllegalArgumentException("KAFKA_SASL_JAAS_CONFIG: " + reasons(e)
                    + "; KAFKA_SECURITY_PROTOCOL " + protocol + " needs a login, e.g. "
                    + "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"…\" password=\"…\";",
                    e);
        }
        String mechanism = String.valueOf(client.getOrDefault(SaslConfigs.SASL_MECHANISM,
                SaslConfigs.DEFAULT_SASL_MECHANISM));
        for (AppConfigurationEntry entry : login.configurationEntries()) {
            String module = entry.getLoginModuleName();
            try {
                Class.forName(module, false, KafkaSecurity.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException("KAFKA_SASL_JAAS_CONFIG: login module " + module
                        + " is not on the class path", e);
            }
            // GSSAPI is Kafka's default mechanism: a SCRAM or PLAIN login with it means the mechanism was left out,
            // which Kafka reports only as a Kerberos failure
            if (SaslConfigs.GSSAPI_MECHANISM.equals(mechanism) && !module.endsWith(".Krb5LoginModule")) {
                throw new IllegalArgumentException("KAFKA_SASL_MECHANISM is GSSAPI (Kerberos, Kafka's default), but"
                        + " KAFKA_SASL_JAAS_CONFIG logs in with " + module + ": set KAFKA_SASL_MECHANISM to the"
                        + " broker listener's mechanism, e.g. SCRAM-SHA-512, SCRAM-SHA-256, PLAIN or OAUTHBEARER");
            }
        }
    }

    private static void load(Properties client, String settings) {
        DefaultSslEngineFactory stores = new DefaultSslEngineFactory();
        try {
            stores.configure(new AdminClientConfig(client).values());
        } catch (KafkaException e) {
            throw new IllegalArgumentException(settings + ": " + reasons(e), e);
        } finally {
            stores.close();
        }
    }

    /** A message and its causes' messages, each once: Kafka wraps the telling one ("keystore password was incorrect"). */
    static String reasons(Throwable e) {
        StringBuilder out = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            // a file that is no keystore of the type fails with a bare EOFException or IOException: name it at least
            String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
            if (!out.toString().contains(message)) {
                out.append(": ").append(message);
            }
        }
        return out.toString();
    }
}
