package org.tidbcdc.routes.observe;

import java.time.Clock;
import java.time.Duration;
import java.util.Properties;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.spi.Registry;
import org.tidbcdc.routes.PipelineSettings;
import org.tidbcdc.routes.consume.AuthenticationRetry;
import org.tidbcdc.routes.consume.ConsumerAccess;
import org.tidbcdc.routes.consume.ConsumerAssignment;
import org.tidbcdc.routes.consume.ConsumerHealthCheck;
import org.tidbcdc.routes.consume.ConsumerLag;
import org.tidbcdc.routes.consume.TrackedSubscription;
import org.tidbcdc.routes.consume.Watermarks;

/**
 * Binds the beans of health and metrics under the names the YAML routes and the control plane use. The meter registry
 * is the one camel-micrometer-prometheus serves at /observe/metrics: it reuses a registry bound under
 * {@code metricsRegistry}, so binding it first (whichever starts first) gives Camel's meters and ours one registry.
 */
public final class ObservabilityBeans {

    private ObservabilityBeans() {
    }

    public static void bind(CamelContext context, Watermarks watermarks, AuthenticationRetry authentication,
            Properties kafka) {
        if (Boolean.parseBoolean(property(context, "camel.management.enabled"))) {
            ManagementPort.checkFree(context.getPropertiesComponent().resolveProperty("camel.management.host")
                    .orElse("0.0.0.0"), property(context, "camel.management.port"));
        }
        Registry registry = context.getRegistry();
        PrometheusMeterRegistry meters = meterRegistry(registry);
        Clock clock = Clock.systemUTC();

        ConsumerAssignment assignment = new ConsumerAssignment();
        ConsumerLag lag = new ConsumerLag();
        registry.bind("consumerAssignment", assignment);
        registry.bind(KafkaConstants.KAFKA_SUBSCRIBE_ADAPTER, new TrackedSubscription(assignment));
        ConsumerAccess access = new ConsumerAccess(kafka, property(context, "cdc.topic"),
                property(context, "cdc.group-id"), assignment);
        registry.bind("consumerAccess", access);
        registry.bind("kafka-consumer-health", new ConsumerHealthCheck(context, assignment, authentication, access));
        new PartitionGauges(meters, assignment, lag, watermarks, clock);

        HeartbeatTable heartbeats = new HeartbeatTable(property(context, "cdc.heartbeat.table"),
                property(context, "cdc.instance-id"), clock);
        // the heartbeat timer reads the interval itself; checked here so that a bad value names its setting
        PipelineSettings.positiveDuration("HEARTBEAT_INTERVAL", property(context, "cdc.heartbeat.interval"));
        Freshness freshness = new Freshness(meters, clock,
                PipelineSettings.positiveDuration("HEARTBEAT_STALE_AFTER", property(context, "cdc.heartbeat.stale-after")));
        registry.bind("heartbeatTable", heartbeats);
        registry.bind("freshness", freshness);
        if (PipelineSettings.flag("HEARTBEAT_ENABLED", property(context, "cdc.heartbeat.enabled"))) {
            registry.bind("heartbeat-health", new HeartbeatHealthCheck(freshness, assignment));
        }
        registry.bind("pipelineMetrics", new PipelineMetrics(meters, heartbeats, freshness, lag));
        registry.bind("clusterGauges", new ClusterGauges(meters, clock));
    }

    private static PrometheusMeterRegistry meterRegistry(Registry registry) {
        PrometheusMeterRegistry found = registry.lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME,
                PrometheusMeterRegistry.class);
        if (found == null) {
            found = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind(MicrometerConstants.METRICS_REGISTRY_NAME, found);
        }
        return found;
    }

    private static String property(CamelContext context, String key) {
        return context.resolvePropertyPlaceholders("{{" + key + "}}");
    }
}
