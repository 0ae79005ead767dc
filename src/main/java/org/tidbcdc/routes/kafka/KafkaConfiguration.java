package org.tidbcdc.routes.kafka;

import static org.tidbcdc.routes.settings.SettingsConfiguration.property;

import java.util.Locale;
import java.util.Properties;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.CamelContextHelper;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.tidbcdc.routes.consume.ConsumerAssignment;
import org.tidbcdc.routes.consume.DeliveryState;
import org.tidbcdc.routes.settings.PipelineSettings;

/**
 * Checks the Kafka client settings against Kafka's own definitions, and binds the client factory, the
 * re-authentication of a refused consumer, and the consumer's readiness check.
 */
@Configuration
public class KafkaConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        KafkaClientSettings.check(name -> property(context, name));
        PipelineSettings.atLeast("CDC_POLL_TIMEOUT_MS", property(context, "cdc.poll-timeout-ms"), 0);
        PipelineSettings.atLeast("CDC_BATCHING_INTERVAL_MS", property(context, "cdc.batching-interval-ms"), 0);
        Properties kafka = adminProperties(context);
        KafkaSecurity.check(kafka);
        Registry registry = context.getRegistry();
        registry.bind("kafkaClientFactory", new NoBlankKeyPasswordClientFactory());
        PipelineSettings.positiveDuration("KAFKA_AUTH_RETRY_INTERVAL", property(context, "cdc.kafka.auth-retry-interval"));
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
        if (PipelineSettings.flag("CDC_LEAVE_GROUP_ON_STOP", property(context, "cdc.leave-group-on-stop"))) {
            // stopped after the routes, so after the consumer committed and closed
            context.addService(new GroupLeave(kafka, group, instance, fencing, assignment), true, true);
        }
        ConsumerAccess access = new ConsumerAccess(kafka, property(context, "cdc.topic"), group, assignment);
        registry.bind("consumerAccess", access);
        registry.bind("kafka-consumer-health", new ConsumerHealthCheck(context, assignment, authentication, access));
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

    private static void putIfSet(Properties p, String key, String value) {
        if (value != null && !value.isBlank()) {
            p.put(key, value);
        }
    }
}
