package org.tidbcdc.routes.kafka;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KafkaConfigurationTest {

    @Test
    void bootstrapServersOfWhichNoHostResolvesStopStartupNamingTheSetting() {
        assertThatThrownBy(() -> KafkaConfiguration.checkResolves("nosuchhost.invalid:9092,other.invalid:9093"))
                .hasMessage("KAFKA_BOOTSTRAP_SERVERS: no host name of 'nosuchhost.invalid:9092,other.invalid:9093'"
                        + " resolves [nosuchhost.invalid, other.invalid]; a restart policy starts the routes again once"
                        + " one does");
        // as Kafka's clients: one that resolves is enough; one that does not answer is waited for
        assertThatCode(() -> KafkaConfiguration.checkResolves("nosuchhost.invalid:9092, 127.0.0.1:1"))
                .doesNotThrowAnyException();
    }
}
