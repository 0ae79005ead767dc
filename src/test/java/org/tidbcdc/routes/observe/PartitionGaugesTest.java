package org.tidbcdc.routes.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.tidbcdc.routes.consume.ConsumerAssignment;
import org.tidbcdc.routes.consume.ConsumerLag;
import org.tidbcdc.routes.consume.Watermarks;

/** The per-partition gauges follow the assignment the rebalance listener reports. */
class PartitionGaugesTest {

    final TestClock clock = new TestClock(Instant.parse("2025-01-01T00:00:10Z"));
    final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final ConsumerAssignment assignment = new ConsumerAssignment();
    final Watermarks watermarks = new Watermarks();
    final Rebalances rebalances = new Rebalances(assignment);

    PartitionGaugesTest() {
        new PartitionGauges(meters, assignment, new ConsumerLag(), watermarks, clock);
    }

    void assign(int... partitions) {
        rebalances.assign(partitions);
    }

    @Test
    void gaugesAppearForAssignedPartitionsAndDisappearWhenTheyMoveAway() {
        assertThat(meters.scrape()).doesNotContain("cdc_consumer_lag_records");
        assign(0, 1, 2);
        assertThat(meters.scrape()).contains("cdc_consumer_lag_records{partition=\"0\"} NaN")
                .contains("cdc_consumer_lag_records{partition=\"2\"} NaN")
                .contains("cdc_watermark_freshness_seconds{partition=\"1\"} NaN");
        assertThat(assignment.partitions()).hasSize(3);
        assign(1);
        assertThat(meters.scrape()).contains("cdc_consumer_lag_records{partition=\"1\"}")
                .doesNotContain("partition=\"0\"").doesNotContain("partition=\"2\"");
    }

    @Test
    void freshnessIsNowMinusThePhysicalTimeOfTheHighestWatermark() {
        assign(0);
        watermarks.advance(0, (clock.millis() - 3000) << 18);
        watermarks.advance(0, (clock.millis() - 9000) << 18);
        assertThat(meters.scrape()).contains("cdc_watermark_freshness_seconds{partition=\"0\"} 3.0");
        clock.advance(Duration.ofMillis(1500));
        assertThat(meters.scrape()).contains("cdc_watermark_freshness_seconds{partition=\"0\"} 4.5");
    }
}
