package org.tidbcdc.routes.ticdc;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.tidbcdc.routes.ReportedCheck;

/**
 * PD, TiDB or TiCDC as the last poll found it. Shown in /observe/health, but neither a readiness nor a liveness check:
 * one PD follower down must not take a working consumer out of service, nor get it restarted.
 */
public final class ComponentHealthCheck extends ReportedCheck {

    private final Component component;
    private final ClusterState cluster;

    public ComponentHealthCheck(Component component, ClusterState cluster) {
        super("cdc-control-plane", component.checkId());
        this.component = component;
        this.cluster = cluster;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        TrackedState tracked = cluster.tracked(component);
        ComponentState state = tracked.current();
        builder.state(state.state());
        builder.message(state.reason());
        builder.detail("component", component.displayName());
        builder.detail("since", tracked.since().toString());
    }
}
