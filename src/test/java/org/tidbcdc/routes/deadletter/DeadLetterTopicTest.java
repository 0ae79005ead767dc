package org.tidbcdc.routes.deadletter;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;

import org.junit.jupiter.api.Test;

class DeadLetterTopicTest {

    @Test
    void theDeadLetterTopicMustNotBeTheTopicItsLettersComeFrom() {
        assertThatThrownBy(() -> new DeadLetterTopic(new Properties(), "ti-db-updates", "ti-db-updates"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("CDC_DLQ_TOPIC: must differ from CDC_TOPIC (both 'ti-db-updates'): a dead letter would be"
                        + " consumed again and dead-lettered again, for ever");
    }

    @Test
    void aTopicNameKafkaWouldRefuseNamesItsSetting() {
        assertThatThrownBy(() -> new DeadLetterTopic(new Properties(), "ti-db-updates", ""))
                .hasMessage("CDC_DLQ_TOPIC: Topic name is invalid: the empty string is not allowed");
        assertThatThrownBy(() -> new DeadLetterTopic(new Properties(), "ti db updates", "dlq"))
                .hasMessageStartingWith(
                        "CDC_TOPIC: Topic name is invalid: 'ti db updates' contains one or more characters");
        assertThatThrownBy(() -> new DeadLetterTopic(new Properties(), "t", "d".repeat(250)))
                .hasMessageStartingWith("CDC_DLQ_TOPIC: Topic name is invalid: the length of 'ddd");
        assertThatCode(() -> new DeadLetterTopic(new Properties(), "ti-db-updates", "ti-db-updates.dlq_1"))
                .doesNotThrowAnyException();
    }
}
