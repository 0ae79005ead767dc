package org.tidbcdc.routes.ticdc;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.tidbcdc.routes.ReadinessCheck;

/**
 * Readiness of the whole application while the control plane is on: UP only while the changefeed is normal, since
 * otherwise nothing new reaches the topic. Not a liveness check: restarting this application would not fix TiCDC.
 */
public final class ChangefeedHealthCheck extends ReadinessCheck {

    private final ChangefeedStatus status;

    public ChangefeedHealthCheck(ChangefeedStatus status) {
        super("cdc-control-plane", "changefeed");
        this.status = status;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        ComponentState health = status.getHealth();
        builder.state(health.state());
        builder.message(health.reason());
        builder.detail("changefeed.id", status.getId());
        builder.detail("changefeed.state", status.getState());
        builder.detail("checkpoint.ts", status.getCheckpointTs());
        builder.detail("checkpoint.lag.ms", status.getCheckpointLagMillis());
        builder.detail("resumes", status.getResumes());
        builder.detail("since", status.getSince().toString());
        if (!status.getDrift().isEmpty()) {
            builder.detail("drift", String.join("; ", status.getDrift()));
        }
    }
}
