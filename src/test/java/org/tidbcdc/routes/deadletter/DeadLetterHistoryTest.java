package org.tidbcdc.routes.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.tidbcdc.routes.deadletter.DeadLetterHistory.Letter;

class DeadLetterHistoryTest {

    private final DefaultCamelContext context = new DefaultCamelContext();

    private Exchange record(int partition, long offset, long timestamp, String value) {
        Exchange record = new DefaultExchange(context);
        record.getMessage().setBody(value == null ? null : value.getBytes());
        record.getMessage().setHeader(KafkaConstants.TOPIC, "cdc");
        record.getMessage().setHeader(KafkaConstants.PARTITION, partition);
        record.getMessage().setHeader(KafkaConstants.OFFSET, offset);
        record.getMessage().setHeader(KafkaConstants.TIMESTAMP, timestamp);
        return record;
    }

    @Test
    void aRecordThisProcessDeadLetteredIsKnownWhenItComesBack() {
        DeadLetterHistory history = new DeadLetterHistory(List::of);
        Exchange bad = record(1, 13, 1_000, "{not json");
        assertThat(history.holds(bad)).isFalse();
        history.sent(bad);
        assertThat(history.holds(record(1, 13, 1_000, "{not json"))).isTrue();
        assertThat(history.holds(record(2, 13, 1_000, "{not json"))).isFalse();
        assertThat(history.holds(record(1, 14, 1_000, "{not json"))).isFalse();
    }

    @Test
    void aRecordAnEarlierProcessDeadLetteredIsKnownByItsOffsetTimestampAndSize() {
        AtomicInteger reads = new AtomicInteger();
        DeadLetterHistory history = new DeadLetterHistory(() -> {
            reads.incrementAndGet();
            return List.of(new Letter(new TopicPartition("cdc", 0), 7, 2_000, 9),
                    new Letter(new TopicPartition("cdc", 0), 9, 3_000, -1));
        });
        assertThat(history.holds(record(0, 7, 2_000, "{not json"))).isTrue();
        assertThat(history.holds(record(0, 9, 3_000, null))).isTrue();
        // the same offset of a topic created again under the same name is another record
        assertThat(history.holds(record(0, 7, 5_000, "{not json"))).isFalse();
        assertThat(history.holds(record(0, 7, 2_000, "{not json!"))).isFalse();
        assertThat(reads).hasValue(1);
    }

    @Test
    void aTopicThatCannotBeReadFailsThisDeadLetterAndIsReadAgainForTheNext() {
        AtomicInteger reads = new AtomicInteger();
        DeadLetterHistory history = new DeadLetterHistory(() -> {
            if (reads.incrementAndGet() == 1) {
                throw new org.apache.kafka.common.errors.TimeoutException("broker unreachable");
            }
            return List.of(new Letter(new TopicPartition("cdc", 0), 7, 2_000, 9));
        });
        assertThatThrownBy(() -> history.holds(record(0, 7, 2_000, "{not json")))
                .hasMessageContaining("broker unreachable");
        assertThat(history.holds(record(0, 7, 2_000, "{not json"))).isTrue();
        assertThat(reads).hasValue(2);
    }
}
