package org.tidbcdc.routes.consume;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.tidbcdc.routes.ReadinessCheck;

/** Readiness: DOWN while a batch cannot reach every sink and is being retried. */
public final class DeliveryHealthCheck extends ReadinessCheck {

    private final DeliveryState state;

    public DeliveryHealthCheck(DeliveryState state) {
        super("cdc", "cdc-delivery");
        this.state = state;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String because = state.stalledBecause();
        if (state.lastCommit() != null) {
            builder.detail("last.commit", state.lastCommit().toString());
        }
        if (because == null) {
            builder.up();
        } else {
            builder.detail("stalled.since", String.valueOf(state.stalledSince()));
            builder.message("changes are not reaching every sink, retrying: " + because);
            builder.down();
        }
    }
}
