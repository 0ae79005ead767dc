package org.tidbcdc.routes.observe;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.tidbcdc.routes.ticdc.ControlPlaneListener;

/**
 * Gauges of the TiDB cluster that the control plane feeds from its polls of PD, TiDB and TiCDC (bean
 * {@code clusterGauges}). The control plane owns the polling and the health checks; this class only turns what it saw
 * into {@code cdc_component_up}, {@code cdc_changefeed_state} and {@code cdc_changefeed_checkpoint_lag_seconds}.
 * Every method is cheap and thread-safe, and can be called from any route.
 */
public final class ClusterGauges implements ControlPlaneListener {

    /** TiCDC's changefeed states (API v2), all exported so a dashboard can show which one is current. */
    static final List<String> CHANGEFEED_STATES =
            List.of("normal", "pending", "warning", "stopped", "error", "failed", "finished", "removed", "absent");

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, AtomicInteger> components = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> states = new ConcurrentHashMap<>();
    private final AtomicLong checkpointTso = new AtomicLong();
    private volatile String state;

    public ClusterGauges(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        Gauge.builder("cdc.changefeed.checkpoint.lag.seconds", this, ClusterGauges::checkpointLagSeconds)
                .description("Now minus the physical time of the changefeed's checkpoint-ts; NaN until reported")
                .strongReference(true).register(registry);
    }

    /** Whether a component's last poll found it healthy (pd, tidb, ticdc; pd's includes its TiKV stores). */
    @Override
    public void componentUp(String component, boolean up) {
        components.computeIfAbsent(component.toLowerCase(Locale.ROOT), c -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder("cdc.component.up", value, AtomicInteger::get)
                    .description("1 when the component's last health poll found it healthy, 0 when it did not")
                    .tag("component", c).strongReference(true).register(registry);
            return value;
        }).set(up ? 1 : 0);
    }

    /**
     * The changefeed's state as TiCDC reports it ({@code normal}, {@code stopped}, {@code failed}…), or
     * {@code absent} when the changefeed does not exist.
     */
    public void changefeedState(String newState) {
        String s = newState == null || newState.isBlank() ? "absent" : newState.strip().toLowerCase(Locale.ROOT);
        if (states.isEmpty()) {
            CHANGEFEED_STATES.forEach(this::stateGauge);
        }
        stateGauge(s);
        state = s;
        states.forEach((name, value) -> value.set(name.equals(s) ? 1 : 0));
    }

    /** The changefeed's checkpoint-ts (a TSO, as TiCDC's API returns it); 0 or less when unknown. */
    public void changefeedCheckpoint(long checkpointTso) {
        this.checkpointTso.set(checkpointTso);
    }

    @Override
    public void changefeed(String state, long checkpointTs) {
        changefeedState(state);
        changefeedCheckpoint(checkpointTs);
    }

    /** The last state reported, or null before the first report. */
    public String changefeedState() {
        return state;
    }

    private void stateGauge(String name) {
        states.computeIfAbsent(name, n -> {
            AtomicInteger value = new AtomicInteger();
            Gauge.builder("cdc.changefeed.state", value, AtomicInteger::get)
                    .description("1 for the changefeed's current state, 0 for the others")
                    .tag("state", n).strongReference(true).register(registry);
            return value;
        });
    }

    double checkpointLagSeconds() {
        return TsoAge.seconds(checkpointTso.get(), clock);
    }
}
