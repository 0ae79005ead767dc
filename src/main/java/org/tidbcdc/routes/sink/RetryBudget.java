package org.tidbcdc.routes.sink;

import java.time.Duration;

/**
 * The longest the consumer thread can spend on one batch that fails: every attempt may wait for a pool connection and
 * then for a database that hangs (it answers nothing, so only the socket timeout ends the wait), and the exponential
 * backoff of cdc-errors runs between attempts. Kafka only sees the next poll after that, so the whole cycle must fit
 * in max.poll.interval.ms, or a hanging audit database makes the consumer leave its group.
 *
 * @param redeliveries CDC_RETRY_MAX_REDELIVERIES
 * @param delay        CDC_RETRY_DELAY_MS, the first backoff; each next one doubles
 * @param maxDelay     CDC_RETRY_MAX_DELAY_MS, the cap of one backoff; zero for none
 * @param attempt      the longest one attempt can take: pool connection timeout plus AUDIT_SOCKET_TIMEOUT_MS
 */
public record RetryBudget(int redeliveries, Duration delay, Duration maxDelay, Duration attempt) {

    /** The backoff multiplier of cdc-errors.camel.yaml. */
    static final int BACKOFF_MULTIPLIER = 2;

    /** Attempts and backoffs of one batch, at their longest. */
    public Duration worstCase() {
        Duration total = attempt.multipliedBy(redeliveries + 1L);
        Duration backoff = delay;
        for (int i = 0; i < redeliveries; i++) {
            // as Camel's RedeliveryPolicy: a maximum of 0 is no maximum
            Duration capped = !maxDelay.isZero() && backoff.compareTo(maxDelay) > 0 ? maxDelay : backoff;
            total = total.plus(capped);
            backoff = capped.multipliedBy(BACKOFF_MULTIPLIER);
        }
        return total;
    }

    /** Stops startup, naming the settings to change, when a hanging database would outlast the poll interval. */
    public void checkFits(Duration maxPollInterval) {
        Duration worst = worstCase();
        if (worst.compareTo(maxPollInterval) >= 0) {
            throw new IllegalArgumentException("CDC_MAX_POLL_INTERVAL_MS (" + maxPollInterval.toMillis()
                    + ") is shorter than one retry cycle against an audit database that hangs: " + (redeliveries + 1)
                    + " attempts of up to " + attempt.toMillis() + " ms (the pool's "
                    + SinkConfiguration.CONNECTION_TIMEOUT_MS + " ms connection timeout plus "
                    + "AUDIT_SOCKET_TIMEOUT_MS) and their backoff (CDC_RETRY_DELAY_MS doubling up to "
                    + "CDC_RETRY_MAX_DELAY_MS) take up to " + worst.toMillis() + " ms, and the consumer would leave "
                    + "its group meanwhile; raise CDC_MAX_POLL_INTERVAL_MS, or lower AUDIT_SOCKET_TIMEOUT_MS or "
                    + "CDC_RETRY_MAX_REDELIVERIES");
        }
    }
}
