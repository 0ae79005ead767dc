package org.tidbcdc.routes.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class RetryBudgetTest {

    static RetryBudget budget(int redeliveries, long delayMs, long maxDelayMs, long attemptMs) {
        return new RetryBudget(redeliveries, Duration.ofMillis(delayMs), Duration.ofMillis(maxDelayMs),
                Duration.ofMillis(attemptMs));
    }

    @Test
    void theDefaultsFitInTheDefaultPollIntervalWithRoomToSpare() {
        // 6 attempts of 3 s + 30 s, then backoffs of 0.5, 1, 2, 4 and 8 s
        RetryBudget defaults = budget(5, 500, 10_000, 33_000);
        assertThat(defaults.worstCase()).isEqualTo(Duration.ofMillis(6 * 33_000 + 15_500));
        defaults.checkFits(Duration.ofMillis(300_000), "cdc-sink-audit", null);
    }

    @Test
    void eachBackoffDoublesUpToItsCap() {
        assertThat(budget(4, 4_000, 5_000, 0).worstCase()).isEqualTo(Duration.ofMillis(4_000 + 5_000 * 3));
    }

    @Test
    void assumesTheBackoffMultiplierOfTheErrorRoutes() throws IOException {
        assertThat(Files.readString(Path.of("routes/cdc-errors.camel.yaml")))
                .contains("backOffMultiplier: " + RetryBudget.BACKOFF_MULTIPLIER + "\n");
    }

    @Test
    void aMaximumDelayOfZeroCapsNothingAsInCamel() {
        assertThat(budget(3, 1_000, 0, 0).worstCase()).isEqualTo(Duration.ofMillis(1_000 + 2_000 + 4_000));
    }

    @Test
    void withoutRedeliveriesOneAttemptIsTheWholeCycle() {
        assertThat(budget(0, 500, 10_000, 33_000).worstCase()).isEqualTo(Duration.ofMillis(33_000));
    }

    @Test
    void aCycleThatOutlastsThePollIntervalNamesWhatToChange() {
        assertThatThrownBy(() -> budget(5, 500, 10_000, 63_000).checkFits(Duration.ofMillis(300_000),
                "cdc-sink-audit", "the pool's 3000 ms connection timeout plus AUDIT_SOCKET_TIMEOUT_MS"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CDC_MAX_POLL_INTERVAL_MS (300000)")
                .hasMessageContaining("sink route cdc-sink-audit")
                .hasMessageContaining("6 attempts of up to 63000 ms")
                .hasMessageContaining("up to 393500 ms")
                .hasMessageContaining("AUDIT_SOCKET_TIMEOUT_MS")
                .hasMessageContaining("CDC_RETRY_MAX_REDELIVERIES");
    }
}
