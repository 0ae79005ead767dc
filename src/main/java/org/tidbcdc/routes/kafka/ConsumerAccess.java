package org.tidbcdc.routes.kafka;

import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tidbcdc.routes.consume.ConsumerAssignment;

/**
 * Why a consumer that holds no partition holds none, when the broker can tell: the topic does not exist, or the ACLs
 * do not let this client read the topic or the group. camel-kafka logs the broker's refusal of each poll at WARN,
 * but it reconnects in a loop and its health state keeps only "not ready", so readiness could not say which of a
 * missing topic, a missing ACL or a long rebalance it is. A new Admin client asks, with the consumer's own
 * credentials, and only while the consumer holds no partition: a healthy consumer costs the broker nothing.
 */
public final class ConsumerAccess {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerAccess.class);
    private static final long PROBE_TIMEOUT_SECONDS = 10;
    static final String NO_BROKER = "no Kafka broker reached at ";

    private final Properties kafka;
    private final String topic;
    private final String group;
    private final ConsumerAssignment assignment;
    private volatile String problem;

    public ConsumerAccess(Properties kafka, String topic, String group, ConsumerAssignment assignment) {
        this.kafka = kafka;
        this.topic = topic;
        this.group = group;
        this.assignment = assignment;
        assignment.onChange(partitions -> {
            if (!partitions.isEmpty()) {
                problem = null;
            }
        });
    }

    /** What the broker said keeps the consumer from its partitions, at the last check; null when nothing did. */
    public String problem() {
        return problem;
    }

    /**
     * Called on a timer, every KAFKA_AUTH_RETRY_INTERVAL. A broker that does not answer is logged at every call, once:
     * the Kafka clients' own connection warnings, several a second from each client, are off (log4j2.xml).
     */
    public synchronized void check() throws InterruptedException {
        if (!assignment.partitions().isEmpty()) {
            problem = null;
            return;
        }
        String found = ask();
        if (found != null && found.startsWith(NO_BROKER)) {
            LOG.warn("The Kafka consumer holds no partition: {}; asked again every KAFKA_AUTH_RETRY_INTERVAL", found);
        } else if (found != null && !found.equals(problem)) {
            LOG.warn("The Kafka consumer holds no partition: {}", found);
        }
        // a rebalance may have ended while the broker was asked
        problem = assignment.partitions().isEmpty() ? found : null;
    }

    /** The cause the broker gives, that no broker answers, or null when it lets this client read both. */
    private String ask() throws InterruptedException {
        try (Admin admin = Admin.create(kafka)) {
            try {
                admin.describeCluster().nodes().get(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                    return noBroker("none answered within " + kafka.get(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG)
                            + " ms");
                }
                // refused authentication or authorization: the checks below and AuthenticationRetry name it
            } catch (TimeoutException e) {
                return noBroker("none answered within " + PROBE_TIMEOUT_SECONDS + " s");
            }
            String topicProblem = topicProblem(admin);
            return topicProblem != null ? topicProblem : groupProblem(admin);
        } catch (TimeoutException e) {
            return null;
        } catch (KafkaException e) {
            // "No resolvable bootstrap urls given in bootstrap.servers": no name in it resolves
            return e.getCause() instanceof ConfigException c ? noBroker(c.getMessage()) : null;
        }
    }

    private String noBroker(String why) {
        return NO_BROKER + kafka.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) + " (KAFKA_BOOTSTRAP_SERVERS): " + why;
    }

    private String topicProblem(Admin admin) throws InterruptedException, TimeoutException {
        Set<AclOperation> allowed;
        try {
            allowed = admin.describeTopics(List.of(topic), new DescribeTopicsOptions().includeAuthorizedOperations(true))
                    .allTopicNames().get(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic).authorizedOperations();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return "the topic '" + topic + "' does not exist (CDC_TOPIC; TiCDC creates it with the changefeed)";
            }
            return e.getCause() instanceof TopicAuthorizationException ? denied("topic", topic, "CDC_TOPIC") : null;
        }
        return lacksRead(allowed) ? denied("topic", topic, "CDC_TOPIC") : null;
    }

    private String groupProblem(Admin admin) throws InterruptedException, TimeoutException {
        Set<AclOperation> allowed;
        try {
            allowed = admin.describeConsumerGroups(List.of(group),
                    new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true))
                    .describedGroups().get(group).get(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS).authorizedOperations();
        } catch (ExecutionException e) {
            return e.getCause() instanceof GroupAuthorizationException ? denied("group", group, "CDC_GROUP_ID") : null;
        }
        return lacksRead(allowed) ? denied("group", group, "CDC_GROUP_ID") : null;
    }

    /** A broker without an authorizer allows every operation; null means it did not say. */
    private static boolean lacksRead(Set<AclOperation> allowed) {
        return allowed != null && !allowed.contains(AclOperation.READ) && !allowed.contains(AclOperation.ALL);
    }

    private static String denied(String kind, String name, String setting) {
        return "the broker's ACLs do not let this client READ the " + kind + " '" + name + "' (" + setting
                + "): grant it the ACLs listed in docs/kafka-security.md; consumption starts by itself"
                + " once they are in";
    }
}
