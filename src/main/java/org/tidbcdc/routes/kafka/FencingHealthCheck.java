package org.tidbcdc.routes.kafka;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.tidbcdc.routes.ReadinessCheck;

/**
 * Readiness, with READINESS=running too: DOWN once another process took this instance's static member. Only a
 * restart brings the consumer back, once the two have their own CDC_INSTANCE_ID.
 */
public final class FencingHealthCheck extends ReadinessCheck {

    private final Fencing fencing;

    public FencingHealthCheck(Fencing fencing) {
        super("cdc", "kafka-membership");
        this.fencing = fencing;
    }

    @Override
    protected boolean tellsWhetherDelivering() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        String fenced = fencing.fenced();
        if (fenced == null) {
            builder.up();
        } else {
            builder.message(fenced).down();
        }
    }
}
