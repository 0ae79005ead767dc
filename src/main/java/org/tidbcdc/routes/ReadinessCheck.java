package org.tidbcdc.routes;

import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A check that gates readiness and not liveness: a dependency or sink that is down makes this instance unready, and
 * restarting the process would not bring it back.
 *
 * <p>With READINESS=running (the Kubernetes manifests), a check that only tells whether this instance delivers
 * changes now (a standby, a changefeed that is not normal, a sink outage) is shown on {@code /observe/health} and
 * gates no readiness: a pod serves no traffic, and its readiness would hold up rollouts, scaling and node drains.
 */
public abstract class ReadinessCheck extends AbstractHealthCheck {

    private volatile Boolean gates;

    protected ReadinessCheck(String group, String id) {
        super(group, id);
    }

    /**
     * True when this check tells whether the instance delivers changes now, false when it tells whether the process
     * runs as it should (then it gates readiness with READINESS=running too).
     */
    protected boolean tellsWhetherDelivering() {
        return true;
    }

    @Override
    public final boolean isReadiness() {
        Boolean g = gates;
        if (g == null) {
            if (getCamelContext() == null) {
                return true;
            }
            g = !tellsWhetherDelivering()
                    || !"running".equalsIgnoreCase(getCamelContext().resolvePropertyPlaceholders("{{cdc.readiness}}")
                            .strip());
            gates = g;
        }
        return g;
    }

    @Override
    public final boolean isLiveness() {
        return false;
    }
}
