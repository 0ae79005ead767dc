package org.tidbcdc.routes.kafka;

import java.util.Properties;

import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.config.SslConfigs;

/**
 * camel-kafka passes {@code sslKeyPassword} on even when it is empty, and Kafka takes an empty key password as a
 * password: with a keystore the key no longer opens, and without one (TLS with a truststore only) Kafka refuses the
 * settings. Camel's kafka component picks this factory up from the registry, so an unset KAFKA_SSL_KEY_PASSWORD
 * means what it means to Kafka: the key's password is the keystore's.
 */
public final class NoBlankKeyPasswordClientFactory extends DefaultKafkaClientFactory {

    @Override
    public Producer getProducer(Properties kafkaProps) {
        return super.getProducer(withoutBlankKeyPassword(kafkaProps));
    }

    @Override
    public Consumer getConsumer(Properties kafkaProps) {
        return super.getConsumer(withoutBlankKeyPassword(kafkaProps));
    }

    static Properties withoutBlankKeyPassword(Properties kafkaProps) {
        Object password = kafkaProps.get(SslConfigs.SSL_KEY_PASSWORD_CONFIG);
        if (password != null && password.toString().isEmpty()) {
            Properties copy = new Properties();
            copy.putAll(kafkaProps);
            copy.remove(SslConfigs.SSL_KEY_PASSWORD_CONFIG);
            return copy;
        }
        return kafkaProps;
    }
}
