package org.tidbcdc.routes.ticdc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tidbcdc.routes.ticdc.ControlPlaneApp.await;

import java.time.Duration;
import java.util.Map;

import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheckHelper;
import org.junit.jupiter.api.Test;
import org.tidbcdc.routes.testsupport.RoutesApp;
import org.tidbcdc.routes.ticdc.FakeTiCluster.Answer;

/** The polls of PD, TiDB and TiCDC against a scripted cluster, through the real application's health endpoints. */
class ClusterHealthIT extends ControlPlaneScenario {

    private static final String CHANGEFEEDS = "/api/v2/changefeeds";

    @Test
    void clusterComingUpSlowlyIsWaitedForAndTheChangefeedCreatedOnlyThen() {
        fake.leader = null;
        fake.ticdcReady = false;
        try (ControlPlaneApp app = ControlPlaneApp.start(fake, Map.of())) {
            app.awaitCheck("pd", "DOWN",
                    "PD has no leader (503 [PD:apiutil:ErrRedirectNoLeader]redirect finds no leader)");
            app.awaitCheck("ticdc", "DOWN", "TiCDC not ready: 503 CDC:ErrServerIsNotReady");
            app.awaitCheck("changefeed", "DOWN", "TiCDC not ready: 503 CDC:ErrServerIsNotReady");
            assertEquals(503, app.readiness());
            int polls = fake.count("GET", "/pd/api/v1/health");
            await("five more PD polls", () -> fake.count("GET", "/pd/api/v1/health") >= polls + 5);
            assertEquals(0, fake.count("POST", CHANGEFEEDS), "no create while the cluster is down");
            assertEquals(1, log.count("PD has no leader"), "logged once, not on every poll: " + log.lines());
            assertEquals(1, log.count("TiCDC UNKNOWN -> DOWN: TiCDC not ready: 503 CDC:ErrServerIsNotReady"),
                    log.lines().toString());

            // PD elects a leader first: the changefeed, still absent, waits for TiCDC
            fake.leader = "pd-0";
            fake.ticdcReady = true;
            fake.ticdcHealthy = false;
            app.awaitCheck("pd", "UP", "PD leader is pd-0");
            app.awaitCheck("ticdc", "DOWN", "TiCDC cluster is unhealthy: 500 CDC:ErrClusterIsUnhealthy");
            app.awaitCheck("changefeed", "DOWN", "does not exist; it is created once PD and TiCDC are healthy");
            assertEquals(0, fake.count("POST", CHANGEFEEDS));

            fake.ticdcHealthy = true;
            app.awaitCheck("changefeed", "UP", "is normal");
            assertEquals(200, app.readiness());
            assertEquals(1, fake.count("POST", CHANGEFEEDS));
            assertEquals(1, log.count("PD DOWN -> UP"), log.lines().toString());
        }
    }

    @Test
    void pdWithoutLeaderIsReportedButDoesNotMakeAWorkingConsumerUnready() {
        fake.addChangefeed("tidb-to-kafka", ControlPlaneApp.SINK_URI, ControlPlaneApp.RULES);
        // PD v7.5: answers /health itself, forwards /leader and /stores, and says just "no leader"
        fake.healthNeedsLeader = false;
        fake.noLeaderText = "no leader";
        try (ControlPlaneApp app = ControlPlaneApp.start(fake, Map.of())) {
            app.awaitCheck("changefeed", "UP", "is normal");
            app.awaitCheck("pd", "UP", "PD leader is pd-0");

            fake.leader = null;
            app.awaitCheck("pd", "DOWN", "PD has no leader (503 no leader)");
            assertEquals(200, app.readiness(), "the component checks do not gate readiness");
            ControlPlaneApp.Reply all = app.get("/observe/health");
            assertEquals(503, all.status(), "/observe/health shows every check: " + all.body());
            assertTrue(all.body().toString().contains("PD has no leader"), all.body().toString());
            assertEquals("UP", app.status("changefeed"));

            fake.leader = "pd-1";
            app.awaitCheck("pd", "UP", "PD leader is pd-1");
            assertEquals(1, log.count("PD UP -> DOWN: PD has no leader (503 no leader)"), log.lines().toString());
            assertEquals(0, fake.count("POST", CHANGEFEEDS));
        }
    }

    @Test
    void disconnectedStoreAndUnhealthyMemberAreNamed() {
        fake.addChangefeed("tidb-to-kafka", ControlPlaneApp.SINK_URI, ControlPlaneApp.RULES);
        try (ControlPlaneApp app = ControlPlaneApp.start(fake, Map.of())) {
            app.awaitCheck("changefeed", "UP", "is normal");
            app.awaitCheck("pd", "UP", "1 TiKV store Up");

            fake.stores.put(4L, "Up");
            fake.stores.put(1L, "Disconnected");
            app.awaitCheck("pd", "DOWN", "TiKV store 1 is Disconnected");
            assertEquals(200, app.readiness());
            assertEquals(1, log.count("TiKV store 1 is Disconnected"), log.lines().toString());

            fake.stores.put(1L, "Up");
            fake.members.put("pd-1", false);
            app.awaitCheck("pd", "DOWN", "PD member pd-1 is unhealthy");

            fake.members.put("pd-1", true);
            fake.stores.clear();
            app.awaitCheck("pd", "DOWN", "PD reports no TiKV store");
        }
    }

    @Test
    void tidbShuttingDownAndBadAnswersGiveAClearStateAndNeverStopThePolls() {
        try (ControlPlaneApp app = ControlPlaneApp.start(fake, Map.of())) {
            app.awaitCheck("tidb", "UP", "TiDB 8.0.11-TiDB-v8.5.0 is serving");

            fake.tidbServing = false;
            app.awaitCheck("tidb", "DOWN", "TiDB /status answered 500 (empty body)");

            fake.tidbServing = true;
            fake.override("GET", "/pd/api/v1/health", Answer.of(200, "text/html", "<html><body>proxy error</body>"));
            fake.override("GET", "/status", Answer.of(200, "application/json", "{\"connections\":"));
            app.awaitCheck("pd", "UNKNOWN", "PD /pd/api/v1/health answered 200 without a list of members:"
                    + " <html><body>proxy error</body>");
            app.awaitCheck("tidb", "UNKNOWN", "TiDB /status answered 200 without a version: {\"connections\":");

            fake.clearOverride("GET", "/pd/api/v1/health");
            fake.override("GET", "/pd/api/v1/stores", Answer.slow(Duration.ofSeconds(2)));
            app.awaitCheck("pd", "UNKNOWN", "PD did not answer /pd/api/v1/stores in time");

            fake.clearOverride("GET", "/pd/api/v1/stores");
            fake.override("GET", "/api/v2/status", Answer.dropped());
            app.awaitCheck("ticdc", "UNKNOWN", "TiCDC /api/v2/status failed without an answer");

            fake.override("GET", "/api/v2/status", Answer.of(200, FakeTiCluster.JSON,
                    "{\"version\":\"v8.5.0\",\"id\":\"c1\",\"liveness\":1}"));
            app.awaitCheck("ticdc", "DOWN", "TiCDC capture is stopping (liveness 1)");

            fake.clearOverride("GET", "/api/v2/status");
            fake.clearOverride("GET", "/status");
            app.awaitCheck("pd", "UP", "PD leader is pd-0");
            app.awaitCheck("tidb", "UP", "is serving");
            app.awaitCheck("ticdc", "UP", "TiCDC is healthy");
            for (String route : new String[] { "cluster-health-pd", "cluster-health-tidb", "cluster-health-ticdc" }) {
                assertEquals(ServiceStatus.Started, app.routes().context().getRouteController().getRouteStatus(route));
            }
        }
    }

    @Test
    void aListedMemberThatDoesNotAnswerIsPassedOverAndTheChangefeedStillCreated() {
        // PD_URL and TICDC_URL as TiCDC's --pd takes them: the first member is gone, the second answers
        String gone = "http://127.0.0.1:" + RoutesApp.freePort();
        String members = gone + "," + fake.url() + "/";
        try (ControlPlaneApp app = ControlPlaneApp.start(fake, Map.of("cdc.pd.url", members,
                "cdc.ticdc.url", members, "cdc.tidb.status-url", members))) {
            app.awaitCheck("pd", "UP", "PD leader is pd-0");
            app.awaitCheck("tidb", "UP", "is serving");
            app.awaitCheck("changefeed", "UP", "is normal");
            assertEquals(1, fake.count("POST", CHANGEFEEDS));
            // the member that answered stays in use: no poll goes back to the one that did not
            int polls = fake.count("GET", "/pd/api/v1/health");
            await("five more PD polls", () -> fake.count("GET", "/pd/api/v1/health") >= polls + 5);
            assertEquals("UP", app.status("pd"));
        }
        assertThatThrownBy(() -> ControlPlaneApp.start(fake, Map.of("cdc.pd.url", fake.url() + ",pd:2379")))
                .hasStackTraceContaining("PD_URL: 'pd:2379' is not an http:// or https:// URL");
    }

    @Test
    void aMemberThatCannotServeOrHangsIsPassedOverWithinThePollAndOnceByEveryPoll() {
        try (FakeTiCluster second = FakeTiCluster.start()) {
            // one cluster seen through two members of each component: both know the changefeed
            fake.addChangefeed("tidb-to-kafka", ControlPlaneApp.SINK_URI, ControlPlaneApp.RULES);
            second.addChangefeed("tidb-to-kafka", ControlPlaneApp.SINK_URI, ControlPlaneApp.RULES);
            // the first members answer that they cannot serve: a capture starting, a PD member cut off from the
            // leader, a TiDB server shutting down
            fake.ticdcReady = false;
            fake.leader = null;
            fake.tidbServing = false;
            String members = fake.url() + "," + second.url();
            try (ControlPlaneApp app = ControlPlaneApp.start(fake, Map.of("cdc.pd.url", members,
                    "cdc.ticdc.url", members, "cdc.tidb.status-url", members))) {
                app.awaitCheck("pd", "UP", "PD leader is pd-0");
                app.awaitCheck("tidb", "UP", "is serving");
                app.awaitCheck("ticdc", "UP", "TiCDC is healthy");
                app.awaitCheck("changefeed", "UP", "is normal");
                assertEquals(1, log.count("TiCDC member " + fake.url() + " answered 503 CDC:ErrServerIsNotReady:"
                        + " asking " + second.url()), log.lines().toString());
                assertEquals(1, log.count("PD member " + fake.url() + " answered 503 [PD:apiutil:ErrRedirectNoLeader]"
                        + "redirect finds no leader: asking " + second.url()), log.lines().toString());
                assertEquals(1, log.count("TiDB member " + fake.url() + " answered 500 (empty body): asking "
                        + second.url()), log.lines().toString());
                // the poll that met them asked the next member at once: no check ever reported them
                assertEquals(0, log.count("-> DOWN") + log.count("-> UNKNOWN"), log.lines().toString());

                // the capture in use hangs: the TiCDC poll and the changefeed poll give up on it at the same time;
                // moving twice would take them back to it, for ever, with two members
                fake.ticdcReady = true;
                String changefeed = CHANGEFEEDS + "/tidb-to-kafka";
                second.override("GET", TicdcAnswers.STATUS, Answer.slow(Duration.ofSeconds(2)));
                second.override("GET", changefeed, Answer.slow(Duration.ofSeconds(2)));
                int reads = fake.count("GET", changefeed);
                await("five changefeed reads from the first capture", () -> fake.count("GET", changefeed) >= reads + 5);
                int hung = second.count("GET", TicdcAnswers.STATUS) + second.count("GET", changefeed);
                int more = fake.count("GET", changefeed);
                await("ten more changefeed reads", () -> fake.count("GET", changefeed) >= more + 10);
                assertEquals(hung, second.count("GET", TicdcAnswers.STATUS) + second.count("GET", changefeed),
                        "no poll went back to the capture that hangs");
                assertEquals("UP", app.status("ticdc"));
                assertEquals("UP", app.status("changefeed"));
                assertEquals(1, log.count("TiCDC member " + second.url() + " gave no answer: asking " + fake.url()),
                        log.lines().toString());
                assertEquals(0, log.count("-> DOWN") + log.count("-> UNKNOWN"), log.lines().toString());
                assertEquals(0, fake.count("POST", CHANGEFEEDS) + second.count("POST", CHANGEFEEDS));
            }
        }
    }

    @Test
    void unreachableComponentsAreDown() {
        String closedPort = "http://127.0.0.1:" + RoutesApp.freePort();
        try (ControlPlaneApp app = ControlPlaneApp.start(fake, Map.of("cdc.pd.url", closedPort,
                "cdc.ticdc.url", closedPort))) {
            app.awaitCheck("pd", "DOWN", "PD unreachable on /pd/api/v1/health");
            app.awaitCheck("ticdc", "DOWN", "TiCDC unreachable on /api/v2/status");
            app.awaitCheck("changefeed", "DOWN", "TiCDC unreachable on /api/v2/changefeeds/tidb-to-kafka");
            app.awaitCheck("tidb", "UP", "is serving");
            assertEquals(503, app.readiness());
        }
    }

    @Test
    void controlPlaneOffLoadsNoRouteBuildsNoBeanPollsNothingAndRegistersNoCheck() {
        try (ControlPlaneApp app = ControlPlaneApp.start(fake, Map.of(
                "cdc.changefeed.enabled", "false",
                // a sink URI that would stop start-up with the control plane on
                "cdc.changefeed.sink-uri", "kafka://kafka:29092/other-topic?protocol=avro"))) {
            // its routes are not loaded, so no bean of it is built for them
            for (String route : new String[] { "cluster-health-pd", "cluster-health-tidb", "cluster-health-ticdc",
                    "changefeed-reconcile" }) {
                assertNull(app.routes().context().getRoute(route), route);
            }
            for (String bean : new String[] { "clusterEndpoints", "clusterState", "clusterProbe", "changefeedStatus",
                    "changefeedReconciler" }) {
                assertNull(app.routes().context().getRegistry().lookupByName(bean), bean);
            }
            assertFalse(HealthCheckHelper.invoke(app.routes().context(), "full").stream()
                    .anyMatch(r -> "cdc-control-plane".equals(r.getCheck().getGroup())));
            assertEquals(200, app.readiness());
            assertEquals(200, app.get("/observe/health").status());
            assertEquals(0, fake.requests().size());
        }
    }
}
