package org.tidbcdc.routes;

import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A check that gates readiness and not liveness: a dependency or sink that is down makes this instance unready, and
 * restarting the process would not bring it back.
 */
public abstract class ReadinessCheck extends AbstractHealthCheck {

    protected ReadinessCheck(String group, String id) {
        super(group, id);
    }

    @Override
    public final boolean isLiveness() {
        return false;
    }
}
