package org.tidbcdc.routes.ticdc;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.tidbcdc.routes.settings.PipelineSettings;
import org.tidbcdc.routes.canal.ValueCompression;

/**
 * Builds the control plane's beans from the cdc.* settings, for the routes in routes/cluster-health.camel.yaml and
 * routes/changefeed.camel.yaml to call by name. With the control plane on, a changefeed setting this application
 * cannot work with stops start-up here, before any route runs.
 */
@Configuration
public class ControlPlaneConfiguration implements CamelConfiguration {

    private static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(100);

    @Override
    public void configure(CamelContext context) {
        boolean enabled = PipelineSettings.flag("CHANGEFEED_ENABLED", setting(context, "cdc.changefeed.enabled"));
        Clock clock = Clock.systemUTC();
        ClusterState cluster = new ClusterState(clock);
        String id = setting(context, "cdc.changefeed.id");
        String sinkUri = setting(context, "cdc.changefeed.sink-uri");
        String largeMessageOption = setting(context, "cdc.changefeed.large-message");
        String claimCheckStorage = setting(context, "cdc.changefeed.claim-check-storage-uri");
        ValueCompression compression = ValueCompression.of(setting(context, "cdc.changefeed.large-message-compression"));
        // the default CHANGEFEED_SINK_URI holds CDC_TOPIC: a bad topic name is named as such, not as a bad URI
        PipelineSettings.checkTopicName("CDC_TOPIC", setting(context, "cdc.topic"));
        // with the control plane off its routes never start; the beans exist only because the routes name them
        ChangefeedSpec spec = enabled
                ? ChangefeedSpec.of(id, sinkUri, setting(context, "cdc.topic"),
                        setting(context, "cdc.changefeed.filter-rules"),
                        LargeMessageHandle.of(largeMessageOption, claimCheckStorage, compression))
                : new ChangefeedSpec(id, SinkUri.parse(sinkUri), List.of(),
                        new LargeMessageHandle(largeMessageOption, claimCheckStorage, compression.setting()));
        ResumePolicy resumePolicy = new ResumePolicy(
                count(context, "cdc.changefeed.max-resumes", "CHANGEFEED_MAX_RESUMES"),
                PipelineSettings.duration("CHANGEFEED_RESUME_BACKOFF", setting(context, "cdc.changefeed.resume-backoff")),
                PipelineSettings.duration("CHANGEFEED_RESUME_BACKOFF_MAX",
                        setting(context, "cdc.changefeed.resume-backoff-max")));
        ChangefeedStatus status = new ChangefeedStatus(spec.id(), resumePolicy, clock);

        String pd = setting(context, "cdc.pd.url");
        String tidb = setting(context, "cdc.tidb.status-url");
        String ticdc = setting(context, "cdc.ticdc.url");
        ClusterEndpoints endpoints = enabled
                ? new ClusterEndpoints(ComponentUrl.of("PD_URL", pd), ComponentUrl.of("TIDB_STATUS_URL", tidb),
                        ComponentUrl.of("TICDC_URL", ticdc))
                : new ClusterEndpoints(List.of(pd), List.of(tidb), List.of(ticdc));
        context.getRegistry().bind("clusterEndpoints", endpoints);
        context.getRegistry().bind("clusterState", cluster);
        context.getRegistry().bind("clusterProbe", new ClusterProbe(cluster, endpoints));
        context.getRegistry().bind("changefeedStatus", status);
        context.getRegistry().bind("changefeedReconciler", new ChangefeedReconciler(spec, cluster, endpoints, status,
                resumePolicy,
                PipelineSettings.flag("CHANGEFEED_RESUME_STOPPED", setting(context, "cdc.changefeed.resume-stopped")),
                PipelineSettings.flag("CHANGEFEED_AUTO_RESUME", setting(context, "cdc.changefeed.auto-resume")),
                PipelineSettings.flag("CHANGEFEED_APPLY_DRIFT", setting(context, "cdc.changefeed.apply-drift")), clock));
        // the routes' timers are made with the control plane off too, and Camel would name only their period
        checkPollInterval(context);
        if (enabled) {
            checkTimeouts(context);
            SSLContextParameters tls = ClusterTls.of(setting(context, "cdc.cluster-tls.ca"),
                    setting(context, "cdc.cluster-tls.cert"), setting(context, "cdc.cluster-tls.key"));
            if (tls != null) {
                context.getComponent("https", HttpComponent.class).setSslContextParameters(tls);
            }
            for (Component component : Component.values()) {
                context.getRegistry().bind(component.checkId() + "HealthCheck",
                        new ComponentHealthCheck(component, cluster));
            }
            context.getRegistry().bind("changefeedHealthCheck", new ChangefeedHealthCheck(status));
            ControlPlaneListener exporter = new RegistryListener(context);
            cluster.listener(exporter);
            status.listener(exporter);
        }
    }

    /** The routes' timers read it themselves: a value Camel cannot use would only fail there, named as their period. */
    private static void checkPollInterval(CamelContext context) {
        Duration interval = PipelineSettings.positiveDuration("HEALTH_POLL_INTERVAL",
                setting(context, "cdc.health.poll-interval"));
        if (interval.compareTo(MIN_POLL_INTERVAL) < 0) {
            // a number without a unit is milliseconds: HEALTH_POLL_INTERVAL=5 would ask PD and TiCDC 200 times a second
            throw new IllegalArgumentException("HEALTH_POLL_INTERVAL: must be at least " + MIN_POLL_INTERVAL.toMillis()
                    + "ms, got '" + setting(context, "cdc.health.poll-interval") + "'; a number without a unit is"
                    + " milliseconds, write 5s for five seconds");
        }
    }

    /** Read by the endpoints of the control-plane routes, which are resolved only when those routes start. */
    private static void checkTimeouts(CamelContext context) {
        PipelineSettings.atLeast("CONTROL_CONNECT_TIMEOUT_MS", setting(context, "cdc.control.connect-timeout-ms"), 1);
        PipelineSettings.atLeast("CONTROL_RESPONSE_TIMEOUT_MS", setting(context, "cdc.control.response-timeout-ms"), 1);
        PipelineSettings.atLeast("CHANGEFEED_REQUEST_TIMEOUT_MS",
                setting(context, "cdc.changefeed.request-timeout-ms"), 1);
    }

    /**
     * Hands each event to the listener bound in the registry (the metrics), found when the first event comes: the
     * configuration classes run in no set order, so it may not be bound yet while this one runs.
     */
    private static final class RegistryListener implements ControlPlaneListener {
        private final CamelContext context;
        private volatile ControlPlaneListener target;

        RegistryListener(CamelContext context) {
            this.context = context;
        }

        private ControlPlaneListener target() {
            if (target == null) {
                target = context.getRegistry().findByType(ControlPlaneListener.class).stream().findFirst()
                        .orElse(NONE);
            }
            return target;
        }

        @Override
        public void componentUp(String component, boolean up) {
            target().componentUp(component, up);
        }

        @Override
        public void changefeed(String state, long checkpointTs) {
            target().changefeed(state, checkpointTs);
        }
    }

    private static String setting(CamelContext context, String key) {
        return context.resolvePropertyPlaceholders("{{" + key + "}}").trim();
    }

    private static int count(CamelContext context, String key, String variable) {
        String value = setting(context, key);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable + " must be a whole number, not '" + value + "'", e);
        }
    }
}
