package org.tidbcdc.routes.ticdc;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * What the control plane last learned about its changefeed. Written by the reconciliation only, read by the health
 * check and (later) gauges; every field is safe to read from any thread.
 */
public final class ChangefeedStatus {

    /** The state names beyond TiCDC's own: the changefeed does not exist, was just created, or TiCDC did not say. */
    public static final String ABSENT = "absent";
    public static final String CREATED = "created";
    public static final String UNKNOWN = "unknown";

    private final String id;
    private final ResumePolicy resumePolicy;
    private final Clock clock;
    private final TrackedState health;
    private volatile String state = UNKNOWN;
    private volatile long checkpointTs;
    private volatile List<String> drift = List.of();
    private volatile ControlPlaneListener listener = ControlPlaneListener.NONE;

    public ChangefeedStatus(String id, ResumePolicy resumePolicy, Clock clock) {
        this.id = id;
        this.resumePolicy = resumePolicy;
        this.clock = clock;
        this.health = new TrackedState("changefeed " + id,
                ComponentState.down("changefeed " + id + " not read from TiCDC yet"), clock.instant());
    }

    /** @param checkpointTs 0 keeps the last known checkpoint (TiCDC did not report one) */
    void observed(String state, long checkpointTs, ComponentState health) {
        this.state = state;
        if (checkpointTs > 0) {
            this.checkpointTs = checkpointTs;
        }
        long lag = getCheckpointLagMillis();
        this.health.update(health, clock.instant(), lag < 0 ? "" : "checkpoint lag " + lag + " ms");
        listener.changefeed(state, this.checkpointTs);
    }

    public void listener(ControlPlaneListener listener) {
        this.listener = listener;
    }

    /** No changefeed, so no checkpoint and nothing to differ from the settings. */
    void absent(ComponentState health) {
        checkpointTs = 0;
        drift = List.of();
        observed(ABSENT, 0, health);
    }

    /**
     * Drift is a warning, not a state: logged when it changes, shown in the health check's details.
     *
     * @param filterApplied the filter rules among the differences are applied (CHANGEFEED_APPLY_DRIFT=true)
     */
    void drift(List<String> differences, boolean filterApplied) {
        List<String> now = List.copyOf(differences);
        if (!now.equals(drift)) {
            drift = now;
            if (now.isEmpty()) {
                TrackedState.LOG.info("changefeed {} matches the settings again", id);
            } else {
                TrackedState.LOG.warn("changefeed {} is configured differently from the settings, and {} (deleting"
                        + " and recreating it would lose its checkpoint): {}", id, filterApplied
                                ? "only its filter rules are applied (CHANGEFEED_APPLY_DRIFT=true), the rest is left"
                                        + " as it is"
                                : "is left as it is", String.join("; ", now));
            }
        }
    }

    public String getId() {
        return id;
    }

    /** TiCDC's state (normal, warning, stopped, failed, …), or absent, or unknown. */
    public String getState() {
        return state;
    }

    public ComponentState getHealth() {
        return health.current();
    }

    public Instant getSince() {
        return health.since();
    }

    public long getCheckpointTs() {
        return checkpointTs;
    }

    /** Now minus the checkpoint's physical time; -1 before TiCDC reported a checkpoint. */
    public long getCheckpointLagMillis() {
        return ChangefeedInfo.lagMillis(checkpointTs, clock.millis());
    }

    public List<String> getDrift() {
        return drift;
    }

    /** Resumes made by this application in the current failure, against CHANGEFEED_MAX_RESUMES. */
    public int getResumes() {
        return resumePolicy.resumes();
    }

    public boolean isReplicating() {
        return health.current().isUp();
    }
}
