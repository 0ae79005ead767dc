package org.tidbcdc.routes.observe;

import static org.tidbcdc.routes.settings.SettingsConfiguration.property;

import java.time.Clock;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.CamelContextHelper;
import org.tidbcdc.routes.consume.ConsumerAssignment;
import org.tidbcdc.routes.consume.ConsumerLag;
import org.tidbcdc.routes.consume.Watermarks;
import org.tidbcdc.routes.settings.SettingValues;
import org.tidbcdc.routes.settings.Settings;
import org.tidbcdc.routes.settings.SettingsConfiguration;
import org.tidbcdc.routes.sink.SinkConfiguration;

/**
 * Binds the beans of health and metrics under the names the YAML routes and the control plane use. The meter registry
 * is the one camel-micrometer-prometheus serves at /observe/metrics: it reuses a registry bound under
 * {@code metricsRegistry}, so binding it first (whichever starts first) gives Camel's meters and ours one registry.
 */
@Configuration
public class ObserveConfiguration implements CamelConfiguration {

    private static final int HEARTBEAT_SOCKET_TIMEOUT_MS = 60_000;

    @Override
    public void configure(CamelContext context) {
        if (Boolean.parseBoolean(property(context, "camel.management.enabled"))) {
            ManagementPort.checkFree(context.getPropertiesComponent().resolveProperty("camel.management.host")
                    .orElse("0.0.0.0"), property(context, "camel.management.port"));
        }
        Registry registry = context.getRegistry();
        PrometheusMeterRegistry meters = meterRegistry(registry);
        Clock clock = Clock.systemUTC();

        ConsumerAssignment assignment = CamelContextHelper.mandatoryLookup(context, "consumerAssignment",
                ConsumerAssignment.class);
        ConsumerLag lag = CamelContextHelper.mandatoryLookup(context, "consumerLag", ConsumerLag.class);
        Watermarks watermarks = CamelContextHelper.mandatoryLookup(context, "watermarks", Watermarks.class);
        new PartitionGauges(meters, assignment, lag, watermarks, clock);

        HeartbeatTable heartbeats = new HeartbeatTable(property(context, "cdc.heartbeat.table"),
                property(context, "cdc.instance-id"), clock);
        SettingValues values = SettingsConfiguration.settings(context);
        Freshness freshness = new Freshness(meters, clock, values.duration(Settings.HEARTBEAT_STALE_AFTER));
        registry.bind("heartbeatTable", heartbeats);
        registry.bind("freshness", freshness);
        HikariDataSource heartbeatPool = SinkConfiguration.lazyPool(context, "heartbeat", "cdc.heartbeat", 1,
                HEARTBEAT_SOCKET_TIMEOUT_MS);
        if (values.flag(Settings.HEARTBEAT_ENABLED)) {
            registry.bind("heartbeat-health", new HeartbeatHealthCheck(freshness, assignment));
        }
        registry.bind("heartbeatDataSource", heartbeatPool);
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
}
