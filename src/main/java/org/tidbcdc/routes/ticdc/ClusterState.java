package org.tidbcdc.routes.ticdc;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the last polls found for PD, TiDB and TiCDC. Written by the polling routes, read by the health checks and the
 * changefeed reconciliation; the getters are meant for gauges as well.
 */
public final class ClusterState {

    private final Clock clock;
    private final Map<Component, TrackedState> states = new EnumMap<>(Component.class);
    private volatile ControlPlaneListener listener = ControlPlaneListener.NONE;

    public ClusterState(Clock clock) {
        this.clock = clock;
        for (Component component : Component.values()) {
            states.put(component, new TrackedState(component.displayName(),
                    ComponentState.unknown(component.displayName() + " not polled yet"), clock.instant()));
        }
    }

    /** Logs the change, if it is one. */
    public boolean record(Component component, ComponentState state) {
        boolean changed = states.get(component).update(state, clock.instant(), null);
        listener.componentUp(component.checkId(), state.isUp());
        return changed;
    }

    public void listener(ControlPlaneListener listener) {
        this.listener = listener;
    }

    public ComponentState get(Component component) {
        return states.get(component).current();
    }

    public boolean isUp(Component component) {
        return get(component).isUp();
    }

    TrackedState tracked(Component component) {
        return states.get(component);
    }
}
