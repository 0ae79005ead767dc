package org.tidbcdc.routes.consume;

import java.time.Instant;

/**
 * Whether batches are reaching every sink right now. Set by the consume route: a rewound batch marks delivery as
 * stalled with its cause, the next committed batch clears it.
 */
public final class DeliveryState {

    private volatile String stalledBecause;
    private volatile Instant stalledSince;
    private volatile Instant lastCommit;

    public void stalled(Exception cause) {
        if (stalledBecause == null) {
            stalledSince = Instant.now();
        }
        stalledBecause = cause == null ? "unknown error"
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    public void committed() {
        stalledBecause = null;
        stalledSince = null;
        lastCommit = Instant.now();
    }

    public String stalledBecause() {
        return stalledBecause;
    }

    public Instant stalledSince() {
        return stalledSince;
    }

    public Instant lastCommit() {
        return lastCommit;
    }
}
