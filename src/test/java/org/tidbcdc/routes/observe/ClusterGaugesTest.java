package org.tidbcdc.routes.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** What the control plane's reports look like on /observe/metrics. */
class ClusterGaugesTest {

    final TestClock clock = new TestClock(Instant.parse("2025-01-01T00:00:10Z"));
    final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final ClusterGauges gauges = new ClusterGauges(meters, clock);

    @Test
    void componentsAreZeroOrOne() {
        gauges.componentUp("PD", true);
        gauges.componentUp("ticdc", false);
        assertThat(meters.scrape()).contains("cdc_component_up{component=\"pd\"} 1").contains(
                "cdc_component_up{component=\"ticdc\"} 0");
        gauges.componentUp("ticdc", true);
        assertThat(meters.scrape()).contains("cdc_component_up{component=\"ticdc\"} 1");
    }

    @Test
    void theChangefeedStateIsOneForTheCurrentStateAndZeroForTheOthers() {
        assertThat(meters.scrape()).doesNotContain("cdc_changefeed_state");
        gauges.changefeedState("normal");
        assertThat(meters.scrape()).contains("cdc_changefeed_state{state=\"normal\"} 1")
                .contains("cdc_changefeed_state{state=\"failed\"} 0");
        gauges.changefeedState("Stopped");
        assertThat(meters.scrape()).contains("cdc_changefeed_state{state=\"normal\"} 0")
                .contains("cdc_changefeed_state{state=\"stopped\"} 1");
        gauges.changefeedState(null);
        assertThat(meters.scrape()).contains("cdc_changefeed_state{state=\"absent\"} 1");
        assertThat(gauges.changefeedState()).isEqualTo("absent");
    }

    @Test
    void checkpointLagIsNowMinusThePhysicalTimeOfTheCheckpointTso() {
        assertThat(meters.scrape()).contains("cdc_changefeed_checkpoint_lag_seconds NaN");
        long physical = clock.millis() - 2500;
        gauges.changefeedCheckpoint((physical << 18) | 7);
        assertThat(meters.scrape()).contains("cdc_changefeed_checkpoint_lag_seconds 2.5");
        clock.advance(Duration.ofSeconds(10));
        assertThat(meters.scrape()).contains("cdc_changefeed_checkpoint_lag_seconds 12.5");
    }
}
