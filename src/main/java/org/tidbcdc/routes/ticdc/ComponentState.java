package org.tidbcdc.routes.ticdc;

import java.util.Objects;

import org.apache.camel.health.HealthCheck.State;

/**
 * What the control plane knows about one part of the cluster: UP, DOWN or UNKNOWN, and a reason an operator can act
 * on. The reason holds no counters or timestamps, so that equal states compare equal and a change is logged once.
 */
public record ComponentState(State state, String reason) {

    public ComponentState {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(reason, "reason");
    }

    public static ComponentState up(String reason) {
        return new ComponentState(State.UP, reason);
    }

    public static ComponentState down(String reason) {
        return new ComponentState(State.DOWN, reason);
    }

    public static ComponentState unknown(String reason) {
        return new ComponentState(State.UNKNOWN, reason);
    }

    public boolean isUp() {
        return state == State.UP;
    }

    /** Several answers make up one component's state: the first one that is not UP explains it. */
    public ComponentState and(ComponentState next) {
        if (!isUp()) {
            return this;
        }
        return next.isUp() ? up(reason + ", " + next.reason) : next;
    }

    @Override
    public String toString() {
        return state + ": " + reason;
    }
}
