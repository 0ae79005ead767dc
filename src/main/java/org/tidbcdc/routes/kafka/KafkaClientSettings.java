package org.tidbcdc.routes.kafka;

import java.util.List;
import java.util.function.UnaryOperator;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.requests.JoinGroupRequest;
import org.apache.kafka.common.utils.Utils;

/**
 * Checks the consumer's and the dead-letter producer's Kafka settings at startup, against Kafka's own definitions of
 * them. camel-kafka creates its consumer on a thread of its own and retries a creation that fails for ever, logging
 * nothing at INFO or above: a CDC_FETCH_MAX_WAIT_MS of -5 or a CDC_AUTO_OFFSET_RESET of "latestt" left a process that
 * consumed nothing and said why nowhere. A bootstrap server without a port failed the dead-letter route's start with a
 * message that named no setting.
 */
public final class KafkaClientSettings {

    private static final ConfigDef CONSUMER = ConsumerConfig.configDef();
    private static final ConfigDef PRODUCER = ProducerConfig.configDef();

    /** One of our settings, the property it is read from, and the Kafka client setting it becomes. */
    private record Setting(String name, String property, ConfigDef client, String kafkaName) {
    }

    private static final List<Setting> SETTINGS = List.of(
            new Setting("CDC_AUTO_OFFSET_RESET", "cdc.auto-offset-reset", CONSUMER,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG),
            new Setting("CDC_MAX_POLL_INTERVAL_MS", "cdc.max-poll-interval-ms", CONSUMER,
                    ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG),
            new Setting("CDC_SESSION_TIMEOUT_MS", "cdc.session-timeout-ms", CONSUMER,
                    ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
            new Setting("CDC_MAX_PARTITION_FETCH_BYTES", "cdc.max-partition-fetch-bytes", CONSUMER,
                    ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG),
            new Setting("CDC_FETCH_MAX_BYTES", "cdc.fetch-max-bytes", CONSUMER, ConsumerConfig.FETCH_MAX_BYTES_CONFIG),
            new Setting("CDC_FETCH_MAX_WAIT_MS", "cdc.fetch-max-wait-ms", CONSUMER,
                    ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG),
            new Setting("CDC_DLQ_MAX_REQUEST_BYTES", "cdc.dlq.max-request-bytes", PRODUCER,
                    ProducerConfig.MAX_REQUEST_SIZE_CONFIG));

    private KafkaClientSettings() {
    }

    /** @param property the value of one of the application's properties */
    public static void check(UnaryOperator<String> property) {
        checkBootstrapServers(property.apply("cdc.kafka.bootstrap-servers"));
        for (Setting s : SETTINGS) {
            ConfigDef.ConfigKey key = s.client().configKeys().get(s.kafkaName());
            try {
                Object value = ConfigDef.parseType(s.kafkaName(), property.apply(s.property()), key.type);
                if (key.validator != null) {
                    key.validator.ensureValid(s.kafkaName(), value);
                }
            } catch (ConfigException e) {
                throw new IllegalArgumentException(s.name() + ": " + e.getMessage(), e);
            }
        }
        int heartbeat = CONSUMER.defaultValues().get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG) instanceof Integer i
                ? i : 3000;
        int session = Integer.parseInt(property.apply("cdc.session-timeout-ms").strip());
        if (session <= heartbeat) {
            // Kafka's consumer refuses to be created, and camel-kafka retries that for ever in silence
            throw new IllegalArgumentException("CDC_SESSION_TIMEOUT_MS: must be more than the consumer's heartbeat"
                    + " interval (Kafka's default, " + heartbeat + " ms), got " + session);
        }
        if (property.apply("cdc.group-id").isBlank()) {
            throw new IllegalArgumentException("CDC_GROUP_ID must not be empty: the consumer group holds the committed"
                    + " offsets");
        }
        try {
            JoinGroupRequest.validateGroupInstanceId(property.apply("cdc.instance-id"));
        } catch (InvalidConfigurationException e) {
            throw new IllegalArgumentException("CDC_INSTANCE_ID: " + e.getMessage()
                    + " (the consumer's static group membership; the default is the host name)", e);
        }
    }

    private static void checkBootstrapServers(String servers) {
        if (servers.isBlank()) {
            throw new IllegalArgumentException("KAFKA_BOOTSTRAP_SERVERS must not be empty; e.g. kafka:9092");
        }
        for (String server : servers.split(",")) {
            String s = server.strip();
            if (Utils.getHost(s) == null || Utils.getPort(s) == null) {
                throw new IllegalArgumentException("KAFKA_BOOTSTRAP_SERVERS: '" + s + "' is not host:port, such as"
                        + " kafka:9092 (several are separated by commas)");
            }
        }
    }
}
