package org.tidbcdc.routes.testsupport;

import java.util.Map;

import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;

/**
 * A real single-node KRaft broker (combined controller and broker) in this JVM, with the defaults the compose stack
 * uses: three partitions and no initial rebalance delay. {@link KafkaProcess} is the same broker in a process of its
 * own, for tests that stop and restart it.
 */
public final class KafkaBroker extends KafkaClients {

    /** The broker settings every test broker runs with, in this JVM or in its own process. */
    public static final Map<String, String> SETTINGS = Map.of(
            "num.partitions", "3",
            "group.initial.rebalance.delay.ms", "0",
            "offsets.topic.replication.factor", "1",
            "offsets.topic.num.partitions", "1",
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "auto.create.topics.enable", "false",
            "message.max.bytes", String.valueOf(MAX_MESSAGE_BYTES));

    private final KafkaClusterTestKit cluster;

    private KafkaBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    public static KafkaBroker start() {
        try {
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build());
            SETTINGS.forEach(builder::setConfigProp);
            KafkaClusterTestKit cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new KafkaBroker(cluster);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the Kafka test broker", e);
        }
    }

    @Override
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() {
        closeClients();
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
