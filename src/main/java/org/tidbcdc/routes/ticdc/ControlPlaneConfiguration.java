package org.tidbcdc.routes.ticdc;

import java.time.Clock;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.tidbcdc.routes.settings.SettingValues;
import org.tidbcdc.routes.settings.Settings;
import org.tidbcdc.routes.settings.SettingsConfiguration;
import org.tidbcdc.routes.canal.ValueCompression;

/**
 * Builds the control plane's beans from the cdc.* settings, for the routes in routes/cluster-health.camel.yaml and
 * routes/changefeed.camel.yaml to call by name. With the control plane on, a changefeed setting this application
 * cannot work with stops start-up here, before any route runs.
 */
@Configuration
public class ControlPlaneConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        SettingValues values = SettingsConfiguration.settings(context);
        // with the control plane off its routes are not loaded (RoutesFolder), and nothing here is needed
        if (!values.flag(Settings.CHANGEFEED_ENABLED)) {
            return;
        }
        Clock clock = Clock.systemUTC();
        ClusterState cluster = new ClusterState(clock);
        String id = setting(context, "cdc.changefeed.id");
        String sinkUri = setting(context, "cdc.changefeed.sink-uri");
        String largeMessageOption = setting(context, "cdc.changefeed.large-message");
        String claimCheckStorage = setting(context, "cdc.changefeed.claim-check-storage-uri");
        ValueCompression compression = ValueCompression.of(setting(context, "cdc.changefeed.large-message-compression"));
        ChangefeedSpec spec = ChangefeedSpec.of(id, sinkUri, setting(context, "cdc.topic"),
                setting(context, "cdc.changefeed.filter-rules"),
                LargeMessageHandle.of(largeMessageOption, claimCheckStorage, compression));
        ResumePolicy resumePolicy = new ResumePolicy(values.integer(Settings.CHANGEFEED_MAX_RESUMES),
                values.duration(Settings.CHANGEFEED_RESUME_BACKOFF),
                values.duration(Settings.CHANGEFEED_RESUME_BACKOFF_MAX));
        ChangefeedStatus status = new ChangefeedStatus(spec.id(), resumePolicy, clock);

        String pd = setting(context, "cdc.pd.url");
        String tidb = setting(context, "cdc.tidb.status-url");
        String ticdc = setting(context, "cdc.ticdc.url");
        ClusterEndpoints endpoints = new ClusterEndpoints(ComponentUrl.of("PD_URL", pd),
                ComponentUrl.of("TIDB_STATUS_URL", tidb), ComponentUrl.of("TICDC_URL", ticdc));
        context.getRegistry().bind("clusterEndpoints", endpoints);
        context.getRegistry().bind("clusterState", cluster);
        context.getRegistry().bind("clusterProbe", new ClusterProbe(cluster, endpoints));
        context.getRegistry().bind("changefeedStatus", status);
        context.getRegistry().bind("changefeedReconciler", new ChangefeedReconciler(spec, cluster, endpoints, status,
                resumePolicy, values.flag(Settings.CHANGEFEED_RESUME_STOPPED),
                values.flag(Settings.CHANGEFEED_AUTO_RESUME), values.flag(Settings.CHANGEFEED_APPLY_DRIFT), clock));
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
        // bound by ObserveConfiguration, which camel-main configures before this one (application.properties)
        ControlPlaneListener exporter = context.getRegistry().findSingleByType(ControlPlaneListener.class);
        if (exporter != null) {
            cluster.listener(exporter);
            status.listener(exporter);
        }
    }

    private static String setting(CamelContext context, String key) {
        return context.resolvePropertyPlaceholders("{{" + key + "}}").trim();
    }

}
