package org.tidbcdc.routes.kafka;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The consumer's and the dead-letter producer's Kafka settings are checked at startup against Kafka's own
 * definitions, naming our setting: camel-kafka would retry creating a consumer Kafka refuses for ever, in silence.
 */
class KafkaClientSettingsTest {

    static Map<String, String> defaults() {
        Map<String, String> p = new HashMap<>();
        p.put("cdc.kafka.bootstrap-servers", "kafka-0:9092, kafka-1:9092");
        p.put("cdc.auto-offset-reset", "earliest");
        p.put("cdc.max-poll-interval-ms", "300000");
        p.put("cdc.session-timeout-ms", "45000");
        p.put("cdc.max-partition-fetch-bytes", "16777216");
        p.put("cdc.fetch-max-bytes", "8388608");
        p.put("cdc.fetch-max-wait-ms", "50");
        p.put("cdc.dlq.max-request-bytes", "104857600");
        p.put("cdc.group-id", "cdc-camel-routes");
        p.put("cdc.instance-id", "cdc-routes-7c9f");
        return p;
    }

    static void check(String property, String value) {
        Map<String, String> p = defaults();
        p.put(property, value);
        KafkaClientSettings.check(p::get);
    }

    @Test
    void theDefaultsPass() {
        assertThatCode(() -> KafkaClientSettings.check(defaults()::get)).doesNotThrowAnyException();
    }

    @Test
    void aValueKafkaRefusesIsNamedWithOurSettingAndKafkasReason() {
        assertThatThrownBy(() -> check("cdc.fetch-max-wait-ms", "-5"))
                .hasMessage("CDC_FETCH_MAX_WAIT_MS: Invalid value -5 for configuration fetch.max.wait.ms:"
                        + " Value must be at least 0");
        assertThatThrownBy(() -> check("cdc.auto-offset-reset", "latestt"))
                .hasMessageStartingWith("CDC_AUTO_OFFSET_RESET: Invalid value latestt for configuration"
                        + " auto.offset.reset");
        assertThatThrownBy(() -> check("cdc.max-partition-fetch-bytes", "16MB"))
                .hasMessageStartingWith("CDC_MAX_PARTITION_FETCH_BYTES: Invalid value 16MB");
        assertThatThrownBy(() -> check("cdc.dlq.max-request-bytes", "lots"))
                .hasMessageStartingWith("CDC_DLQ_MAX_REQUEST_BYTES: Invalid value lots for configuration"
                        + " max.request.size");
    }

    @Test
    void aSessionTimeoutKafkasConsumerWouldRefuseIsNamed() {
        assertThatThrownBy(() -> check("cdc.session-timeout-ms", "3000"))
                .hasMessage("CDC_SESSION_TIMEOUT_MS: must be more than the consumer's heartbeat interval (Kafka's"
                        + " default, 3000 ms), got 3000");
    }

    @Test
    void bootstrapServersMustEachBeHostAndPort() {
        assertThatThrownBy(() -> check("cdc.kafka.bootstrap-servers", "kafka-0:9092,kafka-1"))
                .hasMessage("KAFKA_BOOTSTRAP_SERVERS: 'kafka-1' is not host:port, such as kafka:9092 (several are"
                        + " separated by commas)");
        assertThatThrownBy(() -> check("cdc.kafka.bootstrap-servers", " "))
                .hasMessageStartingWith("KAFKA_BOOTSTRAP_SERVERS must not be empty");
        assertThatCode(() -> check("cdc.kafka.bootstrap-servers", "[::1]:9092")).doesNotThrowAnyException();
    }

    @Test
    void theGroupAndTheStaticMemberIdMustBeUsable() {
        assertThatThrownBy(() -> check("cdc.group-id", ""))
                .hasMessageStartingWith("CDC_GROUP_ID must not be empty");
        assertThatThrownBy(() -> check("cdc.instance-id", "pod/0"))
                .hasMessageStartingWith("CDC_INSTANCE_ID: ")
                .hasMessageContaining("pod/0");
    }
}
