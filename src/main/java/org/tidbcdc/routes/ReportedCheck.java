package org.tidbcdc.routes;

import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * A check shown in {@code /observe/health} that gates neither readiness nor liveness: it tells about something this
 * instance cannot fix by being taken out of service (a PD follower down, TiCDC behind).
 */
public abstract class ReportedCheck extends AbstractHealthCheck {

    protected ReportedCheck(String group, String id) {
        super(group, id);
    }

    @Override
    public final boolean isReadiness() {
        return false;
    }

    @Override
    public final boolean isLiveness() {
        return false;
    }
}
