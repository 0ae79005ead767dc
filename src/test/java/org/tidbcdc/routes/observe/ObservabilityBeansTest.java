package org.tidbcdc.routes.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ObservabilityBeansTest {

    @Test
    void durationsAreWrittenAsCamelWritesThem() {
        assertThat(ObservabilityBeans.positiveDuration("HEARTBEAT_INTERVAL", "5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(ObservabilityBeans.positiveDuration("HEARTBEAT_INTERVAL", "1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(ObservabilityBeans.positiveDuration("HEARTBEAT_INTERVAL", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(ObservabilityBeans.positiveDuration("HEARTBEAT_INTERVAL", "2000")).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aDurationThatIsNotPositiveStopsStartupNamingTheSetting() {
        for (String bad : new String[] {"0", "0s", "soon", "", "-5s"}) {
            assertThatThrownBy(() -> ObservabilityBeans.positiveDuration("HEARTBEAT_STALE_AFTER", bad)).as(bad)
                    .hasMessageStartingWith("HEARTBEAT_STALE_AFTER: expected a positive duration");
        }
    }
}
