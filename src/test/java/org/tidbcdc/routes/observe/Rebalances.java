package org.tidbcdc.routes.observe;

import java.util.Arrays;
import java.util.Collection;

import org.apache.camel.component.kafka.consumer.support.subcription.TopicInfo;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.tidbcdc.routes.consume.ConsumerAssignment;
import org.tidbcdc.routes.consume.TrackedSubscription;

/** Kafka's MockConsumer subscribed through the tracked subscription, so a test can give this member partitions. */
final class Rebalances {

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);

    Rebalances(ConsumerAssignment assignment) {
        new TrackedSubscription(assignment).subscribe(consumer, new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            }
        }, new TopicInfo(null, "t"));
    }

    /** A rebalance after which this member holds these partitions of topic t. */
    void assign(int... partitions) {
        consumer.rebalance(Arrays.stream(partitions).mapToObj(p -> new TopicPartition("t", p)).toList());
    }
}
