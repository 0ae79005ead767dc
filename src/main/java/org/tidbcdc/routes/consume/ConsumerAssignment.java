package org.tidbcdc.routes.consume;

import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.apache.kafka.common.TopicPartition;

/**
 * The partitions the consumer group has given this member, as its rebalance listener reports them. An idle topic never
 * reaches the route, so this is the only place that knows the consumer is assigned before the first record arrives.
 */
public final class ConsumerAssignment {

    private final List<Consumer<Set<TopicPartition>>> listeners = new CopyOnWriteArrayList<>();
    private volatile Set<TopicPartition> partitions = Set.of();
    private volatile Instant changedAt;

    /** Called with the new assignment, on the consumer thread, after every change. */
    public void onChange(Consumer<Set<TopicPartition>> listener) {
        listeners.add(listener);
    }

    void assigned(Collection<TopicPartition> added) {
        Set<TopicPartition> next = new HashSet<>(partitions);
        next.addAll(added);
        update(next);
    }

    void revoked(Collection<TopicPartition> removed) {
        Set<TopicPartition> next = new HashSet<>(partitions);
        next.removeAll(removed);
        update(next);
    }

    private void update(Set<TopicPartition> next) {
        partitions = Set.copyOf(next);
        changedAt = Instant.now();
        listeners.forEach(l -> l.accept(partitions));
    }

    public Set<TopicPartition> partitions() {
        return partitions;
    }

    /** When the assignment last changed; null before the first rebalance. */
    public Instant changedAt() {
        return changedAt;
    }
}
