package org.tidbcdc.routes.ticdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tidbcdc.routes.ticdc.ControlPlaneApp.RULES;
import static org.tidbcdc.routes.ticdc.ControlPlaneApp.SINK_URI;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

/**
 * Three instances reconcile one changefeed at once, with no leader (docs/scaling.md "The control plane"): TiCDC's API
 * is the only coordination. The fake holds every request for 2 s, so that all three read the same state before any
 * of them acts on it.
 */
class SeveralInstancesIT extends ControlPlaneScenario {

    private static final String CHANGEFEEDS = "/api/v2/changefeeds";
    private static final String ID = "tidb-to-kafka";
    private static final String RESUME = CHANGEFEEDS + "/" + ID + "/resume";
    private static final Duration HOLD = Duration.ofSeconds(2);
    /** Every poll waits 2 s in the fake: the timeouts are above that. */
    private static final Map<String, String> SLOW_CLUSTER = Map.of("cdc.control.response-timeout-ms", "6000",
            "cdc.control.connect-timeout-ms", "1000", "cdc.changefeed.request-timeout-ms", "30000");

    @Test
    void threeInstancesThatAllSeeNoChangefeedMakeExactlyOne() throws Exception {
        fake.holdEvery = HOLD;
        List<ControlPlaneApp> apps = startThree();
        try {
            for (ControlPlaneApp app : apps) {
                awaitLong(() -> app.status("changefeed").equals("UP"));
            }
            assertThat(fake.changefeeds).containsOnlyKeys(ID);
            int creates = fake.count("POST", CHANGEFEEDS);
            assertThat(creates).as("create requests").isBetween(1, 3);
            assertThat(log.count("was created by another instance meanwhile")).as("creates answered "
                    + "CDC:ErrChangeFeedAlreadyExists, each taken as success").isEqualTo(creates - 1);
            for (ControlPlaneApp app : apps) {
                assertThat(app.readiness()).isEqualTo(200);
            }

            // a failure that one resume clears: each instance resumes at most once, however they interleave
            fake.stateAfterResume = "normal";
            fake.changefeeds.get(ID).state("failed", "CDC:ErrKafkaNewProducer", "brokers gone for a moment");
            awaitLong(() -> fake.count("POST", RESUME) >= 1);
            int reads = fake.count("GET", CHANGEFEEDS + "/" + ID);
            // every instance reads the changefeed again, twice, after it was resumed
            awaitLong(() -> fake.count("GET", CHANGEFEEDS + "/" + ID) >= reads + 6);
            for (ControlPlaneApp app : apps) {
                awaitLong(() -> app.status("changefeed").equals("UP"));
            }
            int resumes = fake.count("POST", RESUME);
            assertThat(resumes).as("resumes of one failure").isBetween(1, 3);
            assertThat(fake.count("POST", CHANGEFEEDS)).as("no create after the first").isEqualTo(creates);
            System.out.printf("three instances, every request held %d s: %d create(s), %d resume(s)%n",
                    HOLD.toSeconds(), creates, resumes);
        } finally {
            apps.forEach(ControlPlaneApp::close);
        }
    }

    /** Started together, on three threads. */
    private List<ControlPlaneApp> startThree() throws Exception {
        List<CompletableFuture<ControlPlaneApp>> starting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            starting.add(CompletableFuture.supplyAsync(() -> ControlPlaneApp.start(fake, SLOW_CLUSTER)));
        }
        List<ControlPlaneApp> apps = new ArrayList<>();
        for (CompletableFuture<ControlPlaneApp> s : starting) {
            apps.add(s.get());
        }
        return apps;
    }

    /** Polls through held requests take seconds: a minute is the bound. */
    private static void awaitLong(java.util.function.BooleanSupplier condition) {
        org.awaitility.Awaitility.await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                .until(condition::getAsBoolean);
    }
}
