package org.tidbcdc.routes.sink;

import static org.tidbcdc.routes.settings.SettingsConfiguration.property;

import java.time.Duration;

import org.apache.camel.CamelContext;
import org.tidbcdc.routes.settings.PipelineSettings;

/**
 * The longest the consumer thread can spend on one batch that fails at one sink: every attempt may take the sink's
 * longest attempt (a database that hangs answers nothing, so only a timeout ends the wait), and the exponential
 * backoff of cdc-errors runs between attempts. Kafka only sees the next poll after that, so the whole cycle must fit
 * in max.poll.interval.ms, or a hanging destination makes the consumer leave its group.
 *
 * @param redeliveries CDC_RETRY_MAX_REDELIVERIES
 * @param delay        CDC_RETRY_DELAY_MS, the first backoff; each next one doubles
 * @param maxDelay     CDC_RETRY_MAX_DELAY_MS, the cap of one backoff; zero for none
 * @param attempt      the longest one attempt of the sink can take, as its route declares it
 */
public record RetryBudget(int redeliveries, Duration delay, Duration maxDelay, Duration attempt) {

    /** The backoff multiplier of cdc-errors.camel.yaml. */
    static final int BACKOFF_MULTIPLIER = 2;

    /** The retry settings of cdc-errors, with a sink's longest attempt. */
    public static RetryBudget of(CamelContext context, Duration attempt) {
        return new RetryBudget(
                PipelineSettings.atLeast("CDC_RETRY_MAX_REDELIVERIES",
                        property(context, "cdc.retry.max-redeliveries"), 0),
                millis(context, "CDC_RETRY_DELAY_MS", "cdc.retry.delay-ms"),
                millis(context, "CDC_RETRY_MAX_DELAY_MS", "cdc.retry.max-delay-ms"),
                attempt);
    }

    /** CDC_MAX_POLL_INTERVAL_MS. */
    public static Duration maxPollInterval(CamelContext context) {
        return Duration.ofMillis(PipelineSettings.positiveInt("CDC_MAX_POLL_INTERVAL_MS",
                property(context, "cdc.max-poll-interval-ms")));
    }

    private static Duration millis(CamelContext context, String name, String key) {
        return Duration.ofMillis(PipelineSettings.atLeast(name, property(context, key), 0));
    }

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

    /**
     * Stops startup, naming the settings to change, when a sink that hangs would outlast the poll interval.
     *
     * @param route      the sink route's id
     * @param attemptWhy what bounds one attempt, as the route's declaration says it; may be null
     */
    public void checkFits(Duration maxPollInterval, String route, String attemptWhy) {
        Duration worst = worstCase();
        if (worst.compareTo(maxPollInterval) >= 0) {
            throw new IllegalArgumentException("CDC_MAX_POLL_INTERVAL_MS (" + maxPollInterval.toMillis()
                    + ") is shorter than one retry cycle of sink route " + route + " when its destination hangs: "
                    + (redeliveries + 1) + " attempts of up to " + attempt.toMillis() + " ms ("
                    + (attemptWhy == null || attemptWhy.isBlank() ? "the route's cdcSinkMaxAttempt" : attemptWhy)
                    + ") and their backoff (CDC_RETRY_DELAY_MS doubling up to CDC_RETRY_MAX_DELAY_MS) take up to "
                    + worst.toMillis() + " ms, and the consumer would leave its group meanwhile; raise "
                    + "CDC_MAX_POLL_INTERVAL_MS, or lower the sink's longest attempt or CDC_RETRY_MAX_REDELIVERIES");
        }
    }
}
