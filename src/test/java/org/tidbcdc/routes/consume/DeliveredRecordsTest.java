package org.tidbcdc.routes.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class DeliveredRecordsTest {

    private static final TopicPartition P0 = new TopicPartition("cdc", 0);
    private static final TopicPartition P1 = new TopicPartition("cdc", 1);

    private final CamelContext context = new DefaultCamelContext();
    private final DeliveredRecords delivered = new DeliveredRecords();

    private Exchange record(long timestamp, String value) {
        Exchange record = new DefaultExchange(context);
        record.getMessage().setHeader(KafkaConstants.TIMESTAMP, timestamp);
        record.getMessage().setBody(value.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    @Test
    void aDeliveredRecordPolledAgainIsHeldOnItsOwnPartitionOnly() {
        delivered.delivered(P0, 10, record(1000, "a"));
        delivered.delivered(P0, 11, record(1001, "bb"));

        assertThat(delivered.holds(P0, 10, record(1000, "a"))).isTrue();
        assertThat(delivered.holds(P0, 11, record(1001, "bb"))).isTrue();
        assertThat(delivered.holds(P0, 12, record(1002, "c"))).as("never delivered").isFalse();
        assertThat(delivered.holds(P0, 9, record(999, "z"))).as("before the first delivered").isFalse();
        assertThat(delivered.holds(P1, 10, record(1000, "a"))).as("another partition").isFalse();
    }

    @Test
    void aRecordOfATopicCreatedAgainAtAnOffsetAlreadyDeliveredIsNotHeld() {
        delivered.delivered(P0, 10, record(1000, "a"));

        assertThat(delivered.holds(P0, 10, record(5000, "a"))).as("another timestamp").isFalse();
        assertThat(delivered.holds(P0, 10, record(1000, "ab"))).as("another value size").isFalse();
    }

    @Test
    void onlyTheLastWindowOfAPartitionIsKeptAcrossTheRingsWrap() {
        int total = DeliveredRecords.WINDOW + 100;
        for (long offset = 0; offset < total; offset++) {
            delivered.delivered(P0, offset, record(offset, "v"));
        }
        assertThat(delivered.holds(P0, 99, record(99, "v"))).as("pushed out of the window").isFalse();
        assertThat(delivered.holds(P0, 100, record(100, "v"))).as("the oldest kept").isTrue();
        assertThat(delivered.holds(P0, DeliveredRecords.WINDOW - 1, record(DeliveredRecords.WINDOW - 1, "v")))
                .as("before the wrap").isTrue();
        assertThat(delivered.holds(P0, total - 1, record(total - 1, "v"))).as("the newest, after the wrap").isTrue();
    }

    @Test
    void offsetsWithGapsAreFoundAndAnOffsetDeliveredAgainIsNotAddedTwice() {
        for (long offset = 0; offset < 50; offset += 5) {
            delivered.delivered(P0, offset, record(offset, "v"));
        }
        delivered.delivered(P0, 20, record(20, "v"));

        assertThat(delivered.holds(P0, 20, record(20, "v"))).isTrue();
        assertThat(delivered.holds(P0, 21, record(21, "v"))).as("a gap").isFalse();
        assertThat(delivered.holds(P0, 45, record(45, "v"))).isTrue();
    }
}
