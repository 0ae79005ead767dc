package org.tidbcdc.routes.ticdc;

/**
 * What the control plane learns on each poll, for whoever exports it (the metrics). Kept as an interface here so
 * the control plane knows nothing of how it is exported.
 */
public interface ControlPlaneListener {

    ControlPlaneListener NONE = new ControlPlaneListener() {
        @Override
        public void componentUp(String component, boolean up) {
        }

        @Override
        public void changefeed(String state, long checkpointTs) {
        }
    };

    /** After every poll of a component ({@code pd}, {@code tidb}, {@code ticdc}). */
    void componentUp(String component, boolean up);

    /** After every read of the changefeed: TiCDC's state (or {@code absent}) and the last known checkpoint TSO. */
    void changefeed(String state, long checkpointTs);
}
