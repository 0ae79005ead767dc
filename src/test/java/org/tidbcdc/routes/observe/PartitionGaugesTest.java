package org.tidbcdc.routes.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.component.kafka.consumer.support.subcription.TopicInfo;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.tidbcdc.routes.consume.ConsumerAssignment;
import org.tidbcdc.routes.consume.ConsumerLag;
import org.tidbcdc.routes.consume.TrackedSubscription;
import org.tidbcdc.routes.consume.Watermarks;

/** The per-partition gauges follow the assignment the rebalance listener reports. */
class PartitionGaugesTest {

    final TestClock clock = new TestClock(Instant.parse("2025-01-01T00:00:10Z"));
    final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final ConsumerAssignment assignment = new ConsumerAssignment();
    final Watermarks watermarks = new Watermarks();
    final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);

    PartitionGaugesTest() {
        new PartitionGauges(meters, assignment, new ConsumerLag(), watermarks, clock);
        new TrackedSubscription(assignment).subscribe(consumer, new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            }
        }, new TopicInfo(null, "t"));
    }

    void assign(int... partitions) {
        consumer.rebalance(Arrays.stream(partitions).mapToObj(p -> new TopicPartition("t", p)).toList());
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
