package org.tidbcdc.routes.ticdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.tidbcdc.routes.ticdc.ControlPlaneApp.RULES;
import static org.tidbcdc.routes.ticdc.ControlPlaneApp.SINK_URI;
import static org.tidbcdc.routes.ticdc.ControlPlaneApp.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;
import org.tidbcdc.routes.testsupport.Management;
import org.tidbcdc.routes.ticdc.FakeTiCluster.Answer;
import org.tidbcdc.routes.ticdc.FakeTiCluster.Request;

/**
 * Changefeed reconciliation against a scripted TiCDC, through the real application: what it sends to TiCDC, and the
 * changefeed health check and readiness that result.
 */
class ChangefeedIT extends ControlPlaneScenario {

    private static final String CHANGEFEEDS = "/api/v2/changefeeds";
    private static final String ID = "tidb-to-kafka";
    private static final String CHANGEFEED = CHANGEFEEDS + "/" + ID;
    private static final String RESUME = CHANGEFEED + "/resume";

    @Test
    void absentChangefeedIsCreatedOnceWithTheExactBody() throws Exception {
        try (ControlPlaneApp app = ControlPlaneApp.start(fake, Map.of())) {
            app.awaitCheck("changefeed", "UP", "is normal");
            assertEquals(200, app.readiness());
            awaitMoreReads(3);
            List<Request> creates = fake.requests("POST", CHANGEFEEDS);
            assertEquals(1, creates.size(), "creates: " + creates);
            assertTrue(creates.get(0).contentType().startsWith("application/json"), creates.get(0).contentType());
            assertEquals(FakeTiCluster.MAPPER.readTree("""
                    {"changefeed_id": "tidb-to-kafka",
                     "sink_uri": "%s",
                     "replica_config": {"filter": {"rules": ["app_db.*", "!cdc_audit.*"]},
                                        "sink": {"protocol": "canal-json",
                                                 "kafka_config": {"large_message_handle":
                                                     {"large_message_handle_option": "none"}}}}}
                    """.formatted(SINK_URI)), creates.get(0).json());
            assertEquals(1, log.count("rows committed before that are not captured (TiCDC takes no snapshot)"));
            assertEquals(1, log.count("replicates: its checkpoint advanced"), log.lines().toString());
            JsonNode data = app.check("changefeed").path("data");
            assertEquals("normal", data.path("changefeed.state").asText());
            assertTrue(data.path("checkpoint.lag.ms").asLong(-1) >= 0, data.toString());
        }
    }

    @Test
    void settingsShapeTheCreateRequest() throws Exception {
        try (ControlPlaneApp app = ControlPlaneApp.start(fake, Map.of(
                "cdc.changefeed.id", "orders-feed",
                "cdc.changefeed.sink-uri", "kafka://k1:9092,k2:9092/ti-db-updates?protocol=canal-json",
                "cdc.changefeed.filter-rules", " app_db.orders , shop.*,!cdc_audit.*",
                "cdc.changefeed.large-message", "claim-check",
                "cdc.changefeed.claim-check-storage-uri", "s3://claims/orders-feed"))) {
            app.awaitCheck("changefeed", "UP", "changefeed orders-feed is normal");
            JsonNode body = fake.requests("POST", CHANGEFEEDS).get(0).json();
            assertEquals("orders-feed", body.path("changefeed_id").asText());
            assertEquals("kafka://k1:9092,k2:9092/ti-db-updates?protocol=canal-json&enable-tidb-extension=true",
                    body.path("sink_uri").asText());
            assertEquals("[\"app_db.orders\",\"shop.*\",\"!cdc_audit.*\"]",
                    body.path("replica_config").path("filter").path("rules").toString());
            JsonNode largeMessage = body.path("replica_config").path("sink").path("kafka_config")
                    .path("large_message_handle");
            assertEquals("claim-check", largeMessage.path("large_message_handle_option").asText());
            assertEquals("s3://claims/orders-feed", largeMessage.path("claim_check_storage_uri").asText());
        }
    }

    @Test
    void normalChangefeedIsLeftAlone() {
        fake.addChangefeed(ID, SINK_URI, RULES);
        try (ControlPlaneApp app = ControlPlaneApp.start(fake, Map.of())) {
            app.awaitCheck("changefeed", "UP", "changefeed tidb-to-kafka is normal");
            assertEquals(200, app.readiness());
            awaitMoreReads(5);
            assertOnlyReads();
            assertTrue(app.check("changefeed").path("data").path("drift").isMissingNode());

            // what the control plane learns is exported as metrics
            Management management = new Management(app.routes());
            assertEquals(1.0, management.value("cdc_changefeed_state", Map.of("state", "normal")));
            assertEquals(0.0, management.value("cdc_changefeed_state", Map.of("state", "stopped")));
            assertEquals(1.0, management.value("cdc_component_up", Map.of("component", "ticdc")));
            assertTrue(management.value("cdc_changefeed_checkpoint_lag_seconds") >= 0);
        }
    }

    @Test
    void stoppedChangefeedIsReportedAndNotResumed() {
        fake.addChangefeed(ID, SINK_URI, RULES).state("stopped", "", "");
        try (ControlPlaneApp app = ControlPlaneApp.start(fake, Map.of())) {
            app.awaitCheck("changefeed", "DOWN", "is stopped (paused by an operator, or by TiCDC over a GC"
                    + " safepoint); not resumed, as CHANGEFEED_RESUME_STOPPED=false");
            assertEquals(503, app.readiness());
            awaitMoreReads(5);
            assertOnlyReads();
            assertEquals(1, log.count("is stopped"), log.lines().toString());
            assertEquals("stopped", app.check("changefeed").path("data").path("changefeed.state").asText());
        }
    }

    @Test
    void stoppedChangefeedIsResumedWhenAskedTo() {
        fake.addChangefeed(ID, SINK_URI, RULES).state("stopped", "", "");
        try (ControlPlaneApp app = ControlPlaneApp.start(fake, Map.of("cdc.changefeed.resume-stopped", "true"))) {
            app.awaitCheck("changefeed", "UP", "is normal");
            List<Request> resumes = fake.requests("POST", RESUME);
            assertEquals(1, resumes.size());
            assertEquals("{}", resumes.get(0).body());
            assertTrue(resumes.get(0).contentType().startsWith("application/json"), resumes.get(0).contentType());
            assertEquals(0, fake.count("POST", CHANGEFEEDS));
            assertEquals(200, app.readiness());
        }
    }

    @Test
    void aResumeThatACaptureCannotServeIsMadeAtTheNextCaptureAndCountedOnce() {
        try (FakeTiCluster second = FakeTiCluster.start()) {
            fake.addChangefeed(ID, SINK_URI, RULES).state("stopped", "", "");
            second.addChangefeed(ID, SINK_URI, RULES).state("stopped", "", "");
            // the capture in use restarts between the read and the resume
            fake.override("POST", RESUME, Answer.of(503, FakeTiCluster.JSON, "{\"error_msg\":\"[CDC:ErrServerIsNotReady]"
                    + "cdc server is not ready\",\"error_code\":\"CDC:ErrServerIsNotReady\"}"));
            try (ControlPlaneApp app = ControlPlaneApp.start(fake, Map.of("cdc.changefeed.resume-stopped", "true",
                    "cdc.ticdc.url", fake.url() + "," + second.url()))) {
                app.awaitCheck("changefeed", "UP", "is normal");
                // Apache HttpClient itself sends a request answered 503 once more, a second later
                assertTrue(fake.count("POST", RESUME) >= 1, fake.requests().toString());
                assertEquals(1, second.count("POST", RESUME));
                assertEquals(1, log.count("resumed (1 of 3 resumes)"), log.lines().toString());
                assertEquals(0, log.count("resuming changefeed " + ID + " failed"), log.lines().toString());
            }
        }
    }

    @Test
    void warningIsReportedWithTheErrorAndNotResumed() {
        fake.addChangefeed(ID, SINK_URI, RULES).state("warning", "CDC:ErrKafkaNewProducer",
                "kafka: client has run out of available brokers to talk to");
        try (ControlPlaneApp app = ControlPlaneApp.start(fake, Map.of())) {
            app.awaitCheck("changefeed", "DOWN", "is in warning, TiCDC retries by itself: CDC:ErrKafkaNewProducer"
                    + " kafka: client has run out of available brokers to talk to");
            assertEquals(503, app.readiness());
            awaitMoreReads(5);
            assertOnlyReads();
            assertEquals(1, log.count("CDC:ErrKafkaNewProducer"), log.lines().toString());
        }
    }

    @Test
    void failedChangefeedIsResumedAFewTimesWithBackoffThenGivenUp() {
        fake.addChangefeed(ID, SINK_URI, RULES).state("failed", "CDC:ErrKafkaInvalidConfig",
                "topic ti-db-updates has fewer partitions than partition-num").advancing = false;
        fake.stateAfterResume = "failed";
        try (ControlPlaneApp app = ControlPlaneApp.start(fake, Map.of("cdc.changefeed.max-resumes", "3"))) {
            app.awaitCheck("changefeed", "DOWN", "failed: CDC:ErrKafkaInvalidConfig topic ti-db-updates has fewer"
                    + " partitions than partition-num; gave up after 3 resumes (CHANGEFEED_MAX_RESUMES=3)");
            List<Request> resumes = fake.requests("POST", RESUME);
            assertEquals(3, resumes.size());
            resumes.forEach(r -> assertEquals("{}", r.body()));
            // backoff 200 ms, doubled: the 2nd resume is sent 200 ms after the 1st, the 3rd 400 ms after the 2nd (as
            // seen by the server, give or take how long each request took on its way)
            long firstGap = resumes.get(1).atMillis() - resumes.get(0).atMillis();
            long secondGap = resumes.get(2).atMillis() - resumes.get(1).atMillis();
            assertTrue(firstGap >= 150 && secondGap >= 350 && secondGap > firstGap, firstGap + " ms, " + secondGap + " ms");
            assertEquals(503, app.readiness());
            assertEquals(3, app.check("changefeed").path("data").path("resumes").asInt());

            awaitMoreReads(10);
            assertEquals(3, fake.count("POST", RESUME), "no resume once given up");
            assertEquals(0, fake.count("POST", CHANGEFEEDS));

            // an operator fixes the cause and resumes it: once it replicates, a later failure gets its resumes again
            fake.changefeeds.get(ID).state("normal", "", "").advancing = true;
            app.awaitCheck("changefeed", "UP", "is normal");
            fake.changefeeds.get(ID).state("failed", "CDC:ErrKafkaInvalidConfig", "again").advancing = false;
            app.awaitCheck("changefeed", "DOWN", "gave up after 3 resumes");
            assertEquals(6, fake.count("POST", RESUME));
        }
    }

    @Test
    void failedChangefeedIsNotResumedWithAutoResumeOff() {
        fake.addChangefeed(ID, SINK_URI, RULES).state("failed", "CDC:ErrGCTTLExceeded", "gc ttl exceeded");
        try (ControlPlaneApp app = ControlPlaneApp.start(fake, Map.of("cdc.changefeed.auto-resume", "false"))) {
            app.awaitCheck("changefeed", "DOWN", "failed: CDC:ErrGCTTLExceeded gc ttl exceeded; not resumed, as"
                    + " CHANGEFEED_AUTO_RESUME=false");
            awaitMoreReads(5);
            assertOnlyReads();
        }
    }

    @Test
    void twoInstancesRacingOnCreateBothEndUpWithTheOneChangefeed() {
        fake.raceCreates(2);
        try (ControlPlaneApp first = ControlPlaneApp.start(fake, Map.of());
                ControlPlaneApp second = ControlPlaneApp.start(fake, Map.of())) {
            first.awaitCheck("changefeed", "UP", "is normal");
            second.awaitCheck("changefeed", "UP", "is normal");
            assertEquals(2, fake.count("POST", CHANGEFEEDS), "both tried");
            assertEquals(1, fake.changefeeds.size());
            assertEquals(1, log.count("was created by another instance meanwhile"), log.lines().toString());
            assertEquals(1, log.count("rows committed before that are not captured"), log.lines().toString());
            assertEquals(200, first.readiness());
            assertEquals(200, second.readiness());
        }
    }

    @Test
    void driftIsReportedOnceAndNeverRepaired() {
        fake.addChangefeed(ID, "kafka://kafka:29092/ti-db-updates?protocol=canal-json&partition-num=6"
                + "&sasl-password=s3cret", List.of("*.*")).largeMessageHandle
                .put("large_message_handle_option", "handle-key-only").put("large_message_handle_compression", "lz4");
        try (ControlPlaneApp app = ControlPlaneApp.start(fake, Map.of())) {
            app.awaitCheck("changefeed", "UP", "is normal");
            String drift = app.check("changefeed").path("data").path("drift").asText();
            assertTrue(drift.contains("sink URI enable-tidb-extension is missing, expected enable-tidb-extension=true"),
                    drift);
            assertTrue(drift.contains("sink URI partition-num=6, expected partition-num=3"), drift);
            assertTrue(drift.contains("sink URI sasl-password=xxxxx is set but not expected"), drift);
            assertTrue(drift.contains("filter rules are [*.*], expected [app_db.*, !cdc_audit.*]"), drift);
            assertTrue(drift.contains("large message handle is handle-key-only, expected none"), drift);
            assertTrue(drift.contains("large message compression is lz4, expected none: TiCDC compresses every"
                    + " record with it"), drift);
            awaitMoreReads(5);
            assertOnlyReads();
            assertEquals(200, app.readiness());
            assertEquals(1, log.count("is configured differently from the settings"), log.lines().toString());
        }
    }

    @Test
    void filterDriftIsAppliedOnRequestWithTheWholeConfigAndTheStoredSinkSecret() throws Exception {
        String secretUri = SINK_URI + "&sasl-user=cdc&sasl-password=s3cret";
        FakeTiCluster.Changefeed changefeed = fake.addChangefeed(ID, secretUri, List.of("*.*"));
        changefeed.otherConfig.put("memory_quota", 2147483648L).with("sink").putArray("dispatchers").addObject()
                .put("partition", "index-value").putArray("matcher").add("app_db.*");
        long checkpoint = changefeed.checkpointTs;
        try (ControlPlaneApp app = ControlPlaneApp.start(fake, Map.of("cdc.changefeed.apply-drift", "true"))) {
            await("the rules applied", () -> changefeed.rules.equals(RULES));
            app.awaitCheck("changefeed", "UP", "changefeed tidb-to-kafka is normal");
            awaitMoreReads(5);

            List<String> writes = fake.requests().stream().filter(r -> !r.method().equals("GET"))
                    .map(r -> r.method() + " " + r.path()).toList();
            assertEquals(List.of("POST " + CHANGEFEED + "/pause", "PUT " + CHANGEFEED, "POST " + RESUME), writes,
                    "paused, updated and resumed once; never deleted nor created");
            JsonNode put = fake.requests("PUT", CHANGEFEED).get(0).json();
            assertTrue(put.path("sink_uri").isMissingNode(), "no sink_uri copied from a GET: " + put);
            JsonNode config = put.path("replica_config");
            assertEquals("[\"app_db.*\",\"!cdc_audit.*\"]", config.path("filter").path("rules").toString());
            assertEquals(2147483648L, config.path("memory_quota").asLong(), "the whole config is sent: " + config);
            assertEquals("index-value", config.path("sink").path("dispatchers").path(0).path("partition").asText());
            assertEquals(secretUri, changefeed.sinkUri, "the stored sink URI keeps its real secret");
            assertEquals("normal", changefeed.state);
            assertTrue(changefeed.checkpointTs >= checkpoint, "the checkpoint is kept");
            assertEquals(1, changefeed.updates);
            assertEquals(1, log.count("filter rules applied: [app_db.*, !cdc_audit.*] (were [*.*])"),
                    log.lines().toString());
        }
    }

    @Test
    void anUpdateRefusedForAnInvalidRuleResumesTheOldConfigAndIsNotRetried() {
        fake.addChangefeed(ID, SINK_URI, RULES);
        // Java compiles the lookahead, TiCDC's Go regexp refuses it
        try (ControlPlaneApp app = ControlPlaneApp.start(fake, Map.of("cdc.changefeed.apply-drift", "true",
                "cdc.changefeed.filter-rules", "/^app_(?!tmp)/.*"))) {
            app.awaitCheck("changefeed", "UP", "changefeed tidb-to-kafka is normal; filter rules"
                    + " [/^app_(?!tmp)/.*, !cdc_audit.*] not applied: [CDC:ErrChangefeedUpdateRefused]changefeed update"
                    + " error: [CDC:ErrFilterRuleInvalid]filter rule is invalid");
            awaitMoreReads(5);
            assertEquals("normal", fake.changefeeds.get(ID).state);
            assertEquals(RULES, fake.changefeeds.get(ID).rules, "the old config");
            assertEquals(1, fake.count("PUT", CHANGEFEED), "not retried");
            assertEquals(1, fake.count("POST", RESUME), "resumed at once");
            assertEquals(200, app.readiness());
        }
    }

    @Test
    void anUpdateTiCdcFindsChangesNothingCountsAsAppliedAndAResumeWithoutAnswerIsMadeAtTheNextPoll() {
        fake.addChangefeed(ID, SINK_URI, List.of("*.*"));
        fake.override("PUT", CHANGEFEED, FakeTiCluster.ticdcError(400, FakeTiCluster.UPDATE_REFUSED,
                "changefeed update error: changefeed config is the same with the old one, do nothing"));
        fake.override("POST", RESUME, Answer.dropped());
        try (ControlPlaneApp app = ControlPlaneApp.start(fake, Map.of("cdc.changefeed.apply-drift", "true"))) {
            await("the resume after the update tried", () -> fake.count("POST", RESUME) >= 1);
            app.awaitCheck("changefeed", "DOWN", "is stopped by this instance's filter rules apply; resuming it");
            fake.clearOverride("POST", RESUME);
            await("resumed", () -> "normal".equals(fake.changefeeds.get(ID).state));
            awaitMoreReads(5);
            assertEquals(1, fake.count("PUT", CHANGEFEED), "applied once");
            assertEquals(1, log.count("filter rules applied"), log.lines().toString());
            assertEquals(0, log.count("not applied"), log.lines().toString());
            assertEquals(1, log.count("resumed after the filter rules apply"), log.lines().toString());
        }
    }

    @Test
    void twoInstancesWithDifferentRulesMakeAtMostTwoUpdatesInTenPolls() {
        fake.addChangefeed(ID, SINK_URI, List.of("*.*"));
        try (ControlPlaneApp first = ControlPlaneApp.start(fake, Map.of("cdc.changefeed.apply-drift", "true"));
                ControlPlaneApp second = ControlPlaneApp.start(fake, Map.of("cdc.changefeed.apply-drift", "true",
                        "cdc.changefeed.filter-rules", "shop.*"))) {
            await("a conflict reported", () -> log.count("after this instance applied") > 0);
            awaitMoreReads(20); // ten polls of each instance
            assertTrue(fake.changefeeds.get(ID).updates <= 2, fake.changefeeds.get(ID).updates + " updates");
            assertTrue(fake.count("PUT", CHANGEFEED) <= 2, fake.requests("PUT", CHANGEFEED).toString());
            assertEquals(1, log.count("another instance or an operator changed them"), log.lines().toString());
            assertEquals("normal", fake.changefeeds.get(ID).state);
        }
    }

    @Test
    void aStoppedChangefeedIsLeftStoppedAndNamedAsPerhapsAnInterruptedApply() {
        fake.addChangefeed(ID, SINK_URI, List.of("*.*")).state("stopped", "", "");
        try (ControlPlaneApp app = ControlPlaneApp.start(fake, Map.of("cdc.changefeed.apply-drift", "true"))) {
            app.awaitCheck("changefeed", "DOWN", "stopped (perhaps by an interrupted apply: resume it, or set"
                    + " CHANGEFEED_RESUME_STOPPED=true)");
            awaitMoreReads(5);
            assertOnlyReads();
            assertEquals(503, app.readiness());
        }
    }

    @Test
    void badAnswersNeverCreateAChangefeedNorStopTheRoute() {
        fake.override("GET", CHANGEFEED, Answer.of(200, "text/html", "<html>502 Bad Gateway</html>"));
        try (ControlPlaneApp app = ControlPlaneApp.start(fake, Map.of())) {
            app.awaitCheck("changefeed", "DOWN", "TiCDC answered 200 for changefeed tidb-to-kafka without a"
                    + " changefeed: <html>502 Bad Gateway</html>");
            fake.override("GET", CHANGEFEED, Answer.of(404, FakeTiCluster.TEXT, "404 page not found"));
            app.awaitCheck("changefeed", "DOWN", "answered 404 404 page not found");
            fake.override("GET", CHANGEFEED, FakeTiCluster.ticdcError(503, "CDC:ErrServerIsNotReady",
                    "cdc server is not ready"));
            app.awaitCheck("changefeed", "DOWN", "TiCDC not ready: 503 CDC:ErrServerIsNotReady");
            fake.override("GET", CHANGEFEED, FakeTiCluster.ticdcError(500, "", "election: no leader"));
            app.awaitCheck("changefeed", "DOWN", "answered 500 election: no leader");
            fake.override("GET", CHANGEFEED, Answer.slow(Duration.ofSeconds(2)));
            app.awaitCheck("changefeed", "DOWN", "did not answer /api/v2/changefeeds/tidb-to-kafka in time");
            fake.override("GET", CHANGEFEED, Answer.dropped());
            app.awaitCheck("changefeed", "DOWN", "failed without an answer");
            fake.override("GET", CHANGEFEED, Answer.of(200, FakeTiCluster.JSON,
                    "{\"id\":\"tidb-to-kafka\",\"state\":\"exploded\",\"checkpoint_ts\":\"soon\"}"));
            app.awaitCheck("changefeed", "DOWN", "is in state 'exploded', which this application does not know");
            assertEquals(503, app.readiness());
            assertEquals(0, fake.count("POST", CHANGEFEEDS));

            fake.clearOverride("GET", CHANGEFEED);
            app.awaitCheck("changefeed", "UP", "is normal");
            assertEquals(1, fake.count("POST", CHANGEFEEDS));
            assertEquals(ServiceStatus.Started,
                    app.routes().context().getRouteController().getRouteStatus("changefeed-reconcile"));
        }
    }

    @Test
    void sinkUriTheConsumerCannotReadStopsStartUp() {
        Map<String, String> bad = Map.of(
                "kafka://kafka:29092/ti-db-updates?protocol=avro", "protocol=avro",
                "kafka://kafka:29092/ti-db-updates?protocol=canal-json&enable-tidb-extension=false",
                "enable-tidb-extension=false",
                "kafka://kafka:29092/other-topic?protocol=canal-json", "CDC_TOPIC 'ti-db-updates'");
        bad.forEach((uri, reason) -> {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ControlPlaneApp.start(fake, Map.of("cdc.changefeed.sink-uri", uri)).close(), uri);
            assertTrue(e.getMessage().contains("CHANGEFEED_SINK_URI"), e.getMessage());
            assertTrue(e.getMessage().contains(reason), e.getMessage());
        });
        assertEquals(0, fake.requests().size());
    }

    @Test
    void aBadApplyDriftFlagOrFilterRuleStopsStartUpNamingIt() {
        IllegalStateException flag = assertThrows(IllegalStateException.class, () -> ControlPlaneApp.start(fake,
                Map.of("cdc.changefeed.apply-drift", "yes")).close());
        assertTrue(flag.getMessage().contains("CHANGEFEED_APPLY_DRIFT: expected true or false, got 'yes'"),
                flag.getMessage());
        IllegalStateException rule = assertThrows(IllegalStateException.class, () -> ControlPlaneApp.start(fake,
                Map.of("cdc.changefeed.filter-rules", "app_db.*, shop orders")).close());
        assertTrue(rule.getMessage().contains("CHANGEFEED_FILTER_RULES: 'shop orders' is not a TiCDC table filter rule"),
                rule.getMessage());
        assertEquals(0, fake.requests().size());
    }

    @Test
    void claimCheckWithoutItsStorageStopsStartUp() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ControlPlaneApp.start(fake,
                Map.of("cdc.changefeed.large-message", "claim-check")).close());
        assertTrue(e.getMessage().contains("CHANGEFEED_CLAIM_CHECK_STORAGE_URI must be"), e.getMessage());
        assertEquals(0, fake.requests().size());
    }

    private void awaitMoreReads(int reads) {
        int seen = fake.count("GET", CHANGEFEED);
        await(reads + " more reads of the changefeed", () -> fake.count("GET", CHANGEFEED) >= seen + reads);
    }

    /** TiCDC saw reads only: no create, resume, update, pause or delete. */
    private void assertOnlyReads() {
        List<Request> writes = fake.requests().stream().filter(r -> !r.method().equals("GET")).toList();
        assertEquals(List.of(), writes);
    }
}
