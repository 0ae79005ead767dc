package org.tidbcdc.routes.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.kafka.KafkaConsumer;
import org.apache.camel.component.kafka.TaskHealthState;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.kafka.common.TopicPartition;
import org.tidbcdc.routes.ReadinessCheck;
import org.tidbcdc.routes.consume.ConsumerAssignment;

/**
 * Readiness: the Kafka consumer reaches a broker and holds at least one partition. A member without partitions (the
 * topic does not exist yet, the ACLs do not let it read, a rebalance is under way, or other members hold every
 * partition) consumes nothing, so it is not ready, even though it is connected. {@link ConsumerAccess} names the cause
 * when the broker can.
 */
public final class ConsumerHealthCheck extends ReadinessCheck {

    private final CamelContext context;
    private final ConsumerAssignment assignment;
    private final AuthenticationRetry authentication;
    private final ConsumerAccess access;

    public ConsumerHealthCheck(CamelContext context, ConsumerAssignment assignment,
            AuthenticationRetry authentication, ConsumerAccess access) {
        super("cdc", "kafka-consumer");
        this.context = context;
        this.assignment = assignment;
        this.authentication = authentication;
        this.access = access;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<TaskHealthState> tasks = new ArrayList<>();
        for (Route route : context.getRoutes()) {
            if (route.getConsumer() instanceof KafkaConsumer kafka) {
                tasks.addAll(kafka.healthStates());
            }
        }
        Set<TopicPartition> partitions = assignment.partitions();
        builder.detail("partitions", new TreeSet<>(partitions.stream().map(TopicPartition::toString).toList())
                .toString());
        if (assignment.changedAt() != null) {
            builder.detail("assignment.changed", assignment.changedAt().toString());
        }
        if (tasks.isEmpty()) {
            builder.message("the Kafka consumer is not running").down();
            return;
        }
        for (TaskHealthState task : tasks) {
            if (task.getGroupId() != null) {
                builder.detail("group.id", task.getGroupId());
            }
            String refusal = authentication.refusal();
            if (!task.isReady() && refusal != null) {
                builder.message("the Kafka broker at " + task.getBootstrapServers() + " refuses this client's"
                        + " authentication: " + refusal + ". Check KAFKA_SSL_* and KAFKA_SASL_*; the consumer starts"
                        + " again by itself once the broker takes them (asked every KAFKA_AUTH_RETRY_INTERVAL)").down();
                return;
            }
            String problem = access.problem();
            if (!task.isReady() && problem != null) {
                // camel-kafka reconnects after each refused poll: "not ready" would hide the broker's reason
                builder.message(problem.startsWith(ConsumerAccess.NO_BROKER) ? problem
                        : "not consuming from Kafka at " + task.getBootstrapServers() + ": " + problem).down();
                return;
            }
            if (!task.isReady()) {
                builder.message("not connected to Kafka at " + task.getBootstrapServers()
                        + " (KAFKA_BOOTSTRAP_SERVERS): " + task.buildStateMessage());
                if (task.getLastError() != null) {
                    builder.error(task.getLastError());
                }
                builder.down();
                return;
            }
        }
        if (partitions.isEmpty()) {
            String problem = access.problem();
            builder.message("connected, but no partition is assigned: " + (problem != null ? problem
                    : "the topic does not exist yet, the group is rebalancing, or other members hold every partition"))
                    .down();
            return;
        }
        builder.up();
    }
}
