package org.tidbcdc.routes.consume;

import java.util.Collection;

import org.apache.camel.component.kafka.consumer.support.subcription.DefaultSubscribeAdapter;
import org.apache.camel.component.kafka.consumer.support.subcription.SubscribeAdapter;
import org.apache.camel.component.kafka.consumer.support.subcription.TopicInfo;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;

/**
 * Subscribes exactly as camel-kafka does by default, with Camel's rebalance listener wrapped so that every assignment
 * change also reaches {@link ConsumerAssignment}. camel-kafka looks this adapter up in the registry under
 * {@code subscribeAdapter}, on every (re)connect.
 */
public final class TrackedSubscription implements SubscribeAdapter {

    private final SubscribeAdapter delegate = new DefaultSubscribeAdapter();
    private final ConsumerAssignment assignment;

    public TrackedSubscription(ConsumerAssignment assignment) {
        this.assignment = assignment;
    }

    @Override
    public void subscribe(Consumer<?, ?> consumer, ConsumerRebalanceListener camel, TopicInfo topicInfo) {
        delegate.subscribe(consumer, new Tracking(camel), topicInfo);
    }

    private final class Tracking implements ConsumerRebalanceListener {

        private final ConsumerRebalanceListener camel;

        Tracking(ConsumerRebalanceListener camel) {
            this.camel = camel;
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            try {
                camel.onPartitionsRevoked(partitions);
            } finally {
                assignment.revoked(partitions);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            try {
                camel.onPartitionsLost(partitions);
            } finally {
                assignment.revoked(partitions);
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            camel.onPartitionsAssigned(partitions);
            assignment.assigned(partitions);
        }
    }
}
