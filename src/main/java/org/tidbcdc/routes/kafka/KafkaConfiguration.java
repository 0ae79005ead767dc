package org.tidbcdc.routes.kafka;

import static org.tidbcdc.routes.settings.SettingsConfiguration.property;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.CamelContextHelper;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.utils.Utils;
import org.tidbcdc.routes.consume.ConsumerAssignment;
import org.tidbcdc.routes.consume.DeliveryState;
import org.tidbcdc.routes.settings.Settings;
import org.tidbcdc.routes.settings.SettingsConfiguration;

/**
 * Checks the Kafka clients' security settings by loading their stores and login, and binds the client factory, the
 * re-authentication of a refused consumer, and the consumer's readiness check.
 */
@Configuration
public class KafkaConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Properties kafka = adminProperties(context);
        checkResolves(kafka.getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
        KafkaSecurity.check(kafka);
        configureComponent(context);
        Registry registry = context.getRegistry();
        registry.bind("kafkaClientFactory", new NoBlankKeyPasswordClientFactory());
        String group = property(context, "cdc.group-id");
        String instance = property(context, "cdc.instance-id");
        // camel-kafka's component takes it from the registry for every consumer
        Fencing fencing = new Fencing(context, "cdc-consume", group, instance);
        registry.bind("kafkaPollExceptionStrategy", fencing);
        registry.bind("kafka-membership-health", new FencingHealthCheck(fencing));
        AuthenticationRetry authentication = new AuthenticationRetry(context, kafka, "cdc-consume",
                CamelContextHelper.mandatoryLookup(context, "deliveryState", DeliveryState.class), "cdc-dead-letter",
                fencing);
        registry.bind("authenticationRetry", authentication);
        ConsumerAssignment assignment = CamelContextHelper.mandatoryLookup(context, "consumerAssignment",
                ConsumerAssignment.class);
        if (SettingsConfiguration.settings(context).flag(Settings.CDC_LEAVE_GROUP_ON_STOP)) {
            // stopped after the routes, so after the consumer committed and closed
            context.addService(new GroupLeave(kafka, group, instance, fencing, assignment), true, true);
        }
        ConsumerAccess access = new ConsumerAccess(kafka, property(context, "cdc.topic"), group, assignment);
        registry.bind("consumerAccess", access);
        registry.bind("kafka-consumer-health", new ConsumerHealthCheck(context, assignment, authentication, access));
    }

    /**
     * The brokers and the security settings of the kafka component, which every kafka: endpoint copies, so that the
     * routes do not repeat them. Set here rather than as camel.component.kafka.* properties: camel-main refuses an
     * empty value there, and most of these are empty unless an operator sets them.
     */
    static void configureComponent(CamelContext context) {
        org.apache.camel.component.kafka.KafkaConfiguration c = context.getComponent("kafka", KafkaComponent.class)
                .getConfiguration();
        c.setBrokers(property(context, "cdc.kafka.bootstrap-servers"));
        c.setSecurityProtocol(property(context, "cdc.kafka.security-protocol"));
        c.setSaslMechanism(property(context, "cdc.kafka.sasl-mechanism"));
        c.setSaslJaasConfig(property(context, "cdc.kafka.sasl-jaas-config"));
        c.setSslTruststoreLocation(property(context, "cdc.kafka.ssl-truststore-location"));
        c.setSslTruststorePassword(property(context, "cdc.kafka.ssl-truststore-password"));
        c.setSslTruststoreType(property(context, "cdc.kafka.ssl-truststore-type"));
        c.setSslKeystoreLocation(property(context, "cdc.kafka.ssl-keystore-location"));
        c.setSslKeystorePassword(property(context, "cdc.kafka.ssl-keystore-password"));
        c.setSslKeystoreType(property(context, "cdc.kafka.ssl-keystore-type"));
        c.setSslKeyPassword(property(context, "cdc.kafka.ssl-key-password"));
        // empty turns the check off
        c.setSslEndpointAlgorithm(property(context, "cdc.kafka.ssl-endpoint-identification-algorithm"));
    }

    /** The settings of an admin client or producer that reaches the consumer's cluster as the consumer does. */
    public static Properties adminProperties(CamelContext context) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, property(context, "cdc.kafka.bootstrap-servers"));
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, property(context, "cdc.kafka.security-protocol"));
        putIfSet(p, SaslConfigs.SASL_MECHANISM, property(context, "cdc.kafka.sasl-mechanism"));
        putIfSet(p, SaslConfigs.SASL_JAAS_CONFIG, property(context, "cdc.kafka.sasl-jaas-config"));
        putIfSet(p, SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, property(context, "cdc.kafka.ssl-truststore-location"));
        putIfSet(p, SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, property(context, "cdc.kafka.ssl-truststore-password"));
        // upper case, as camel-kafka passes them: Kafka's PEM type is only "PEM"
        putIfSet(p, SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG,
                property(context, "cdc.kafka.ssl-truststore-type").toUpperCase(Locale.ROOT));
        putIfSet(p, SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, property(context, "cdc.kafka.ssl-keystore-location"));
        putIfSet(p, SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, property(context, "cdc.kafka.ssl-keystore-password"));
        putIfSet(p, SslConfigs.SSL_KEYSTORE_TYPE_CONFIG,
                property(context, "cdc.kafka.ssl-keystore-type").toUpperCase(Locale.ROOT));
        putIfSet(p, SslConfigs.SSL_KEY_PASSWORD_CONFIG, property(context, "cdc.kafka.ssl-key-password"));
        // empty turns the check off, for Kafka as for camel-kafka
        p.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG,
                property(context, "cdc.kafka.ssl-endpoint-identification-algorithm"));
        p.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        return p;
    }

    /**
     * Kafka's clients refuse to be created when no bootstrap host name resolves, and the dead-letter route's start
     * then failed with a stack trace about a producer. As Kafka, one name that resolves is enough; a broker that
     * resolves but does not answer is waited for.
     */
    static void checkResolves(String servers) {
        List<String> hosts = new ArrayList<>();
        for (String server : servers.split(",")) {
            String host = Utils.getHost(server.strip());
            try {
                InetAddress.getAllByName(host);
                return;
            } catch (UnknownHostException e) {
                hosts.add(host);
            }
        }
        throw new IllegalArgumentException("KAFKA_BOOTSTRAP_SERVERS: no host name of '" + servers + "' resolves "
                + hosts + "; a restart policy starts the routes again once one does");
    }

    private static void putIfSet(Properties p, String key, String value) {
        if (value != null && !value.isBlank()) {
            p.put(key, value);
        }
    }
}
