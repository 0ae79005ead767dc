package org.tidbcdc.routes.consume;

import java.time.Instant;

import org.apache.camel.util.ObjectHelper;
import org.apache.kafka.common.errors.AuthenticationException;

/**
 * Whether batches are reaching every sink right now. Set by the consume route: a rewound batch marks delivery as
 * stalled with its cause, the next committed batch clears it.
 */
public final class DeliveryState {

    private volatile String stalledBecause;
    private volatile Instant stalledSince;
    private volatile Instant lastCommit;
    private volatile boolean refusedByBroker;

    public void stalled(Exception cause) {
        if (stalledBecause == null) {
            stalledSince = Instant.now();
        }
        stalledBecause = cause == null ? "unknown error"
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        // the consumer's refusals never fail a batch: a Kafka one here is the dead-letter producer's
        if (ObjectHelper.getException(AuthenticationException.class, cause) != null) {
            refusedByBroker = true;
        }
    }

    public void committed() {
        stalledBecause = null;
        stalledSince = null;
        lastCommit = Instant.now();
        refusedByBroker = false;
    }

    /**
     * Whether the last batch failed because the broker refused a Kafka client of the sinks' (the dead-letter
     * producer) its authentication; true once per failure: {@link AuthenticationRetry} acts on it.
     */
    public boolean takeBrokerRefusal() {
        boolean refused = refusedByBroker;
        refusedByBroker = false;
        return refused;
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
