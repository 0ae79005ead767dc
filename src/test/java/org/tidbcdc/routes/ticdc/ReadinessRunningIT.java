package org.tidbcdc.routes.ticdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tidbcdc.routes.ticdc.ControlPlaneApp.RULES;
import static org.tidbcdc.routes.ticdc.ControlPlaneApp.SINK_URI;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * READINESS=running, as the Kubernetes manifests set it (docs/kubernetes.md "Readiness"): a changefeed an operator
 * paused is shown DOWN on /observe/health, and the instance stays ready, so a rollout goes on.
 */
class ReadinessRunningIT extends ControlPlaneScenario {

    @Test
    void aPausedChangefeedIsReportedAndDoesNotMakeTheInstanceUnready() {
        fake.addChangefeed("tidb-to-kafka", SINK_URI, RULES).state("stopped", "", "");
        try (ControlPlaneApp app = ControlPlaneApp.start(fake, Map.of("cdc.readiness", "running"))) {
            app.awaitCheck("changefeed", "DOWN", "is stopped (paused by an operator");
            assertThat(app.get("/observe/health").status()).as("/observe/health").isEqualTo(503);
            assertThat(app.readiness()).as("/observe/health/ready").isEqualTo(200);
        }
    }

    @Test
    void withTheDefaultAPausedChangefeedMakesTheInstanceUnready() {
        fake.addChangefeed("tidb-to-kafka", SINK_URI, RULES).state("stopped", "", "");
        try (ControlPlaneApp app = ControlPlaneApp.start(fake, Map.of())) {
            app.awaitCheck("changefeed", "DOWN", "is stopped (paused by an operator");
            assertThat(app.readiness()).as("/observe/health/ready").isEqualTo(503);
        }
    }
}
