package org.tidbcdc.routes.ticdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.tidbcdc.routes.canal.ValueCompression;

class ChangefeedSpecTest {

    private static final String SINK = "kafka://kafka:29092/ti-db-updates?protocol=canal-json";
    private static final LargeMessageHandle NONE = LargeMessageHandle.of("none", "", ValueCompression.NONE);

    @Test
    void createRequestHasExactlyTheAgreedShape() throws Exception {
        ChangefeedSpec spec = ChangefeedSpec.of("tidb-to-kafka", SINK, "ti-db-updates", "app_db.*", NONE);
        assertEquals("{\"changefeed_id\":\"tidb-to-kafka\",\"sink_uri\":\"" + SINK + "&enable-tidb-extension=true\","
                + "\"replica_config\":{\"filter\":{\"rules\":[\"app_db.*\",\"!cdc_audit.*\"]},"
                + "\"sink\":{\"protocol\":\"canal-json\",\"kafka_config\":{\"large_message_handle\":"
                + "{\"large_message_handle_option\":\"none\"}}}}}", spec.createRequest());
    }

    @Test
    void aClaimCheckChangefeedIsCreatedWithItsStorage() {
        ChangefeedSpec spec = ChangefeedSpec.of("cf", SINK, "ti-db-updates", "app_db.*",
                LargeMessageHandle.of("claim-check", " s3://bucket/claim-check ", ValueCompression.NONE));
        assertTrue(spec.createRequest().contains("\"large_message_handle\":{\"large_message_handle_option\":"
                + "\"claim-check\",\"claim_check_storage_uri\":\"s3://bucket/claim-check\"}"), spec.createRequest());
    }

    @Test
    void aCompressionIsSentOnlyWhenItIsNotNone() {
        ChangefeedSpec spec = ChangefeedSpec.of("cf", SINK, "ti-db-updates", "app_db.*",
                LargeMessageHandle.of("handle-key-only", "", ValueCompression.of(" LZ4 ")));
        assertTrue(spec.createRequest().contains("{\"large_message_handle_option\":\"handle-key-only\","
                + "\"large_message_handle_compression\":\"lz4\"}"), spec.createRequest());
        assertEquals("CHANGEFEED_LARGE_MESSAGE_COMPRESSION 'zstd' is none of none, lz4, snappy",
                assertThrows(IllegalArgumentException.class, () -> ValueCompression.of("zstd")).getMessage());
    }

    @Test
    void claimCheckWithoutStorageOrStorageWithoutClaimCheckStopsStartUpNamingTheSetting() {
        for (String storage : new String[] {"", "  ", "bucket/claim-check", "s3://"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> LargeMessageHandle.of("claim-check", storage, ValueCompression.NONE));
            assertTrue(e.getMessage().startsWith("CHANGEFEED_CLAIM_CHECK_STORAGE_URI must be"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LargeMessageHandle.of("handle-key-only", "file:///data/claim-check",
                        ValueCompression.NONE));
        assertEquals("CHANGEFEED_CLAIM_CHECK_STORAGE_URI is set, but CHANGEFEED_LARGE_MESSAGE is 'handle-key-only',"
                + " not claim-check", e.getMessage());
    }

    @Test
    void auditExclusionIsAlwaysLastAndOnce() {
        assertEquals(List.of("app_db.*", "shop.orders", "!cdc_audit.*"), ChangefeedSpec.of("cf", SINK,
                "ti-db-updates", " !cdc_audit.* , app_db.*,, shop.orders ,", NONE).filterRules());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChangefeedSpec.of("cf", SINK, "ti-db-updates", " , !cdc_audit.*", NONE));
        assertTrue(e.getMessage().startsWith("CHANGEFEED_FILTER_RULES"), e.getMessage());
    }

    @Test
    void settingsTiCdcWouldRefuseStopStartUpNamingTheSetting() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ChangefeedSpec.of("tidb_to_kafka", SINK,
                "ti-db-updates", "app_db.*", NONE)).getMessage().startsWith("CHANGEFEED_ID 'tidb_to_kafka'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ChangefeedSpec.of("a".repeat(129), SINK,
                "ti-db-updates", "app_db.*", NONE)).getMessage().startsWith("CHANGEFEED_ID"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LargeMessageHandle.of("big", "", ValueCompression.NONE))
                .getMessage().startsWith("CHANGEFEED_LARGE_MESSAGE 'big'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ChangefeedSpec.of("cf", SINK,
                "other", "app_db.*", NONE)).getMessage().startsWith("CHANGEFEED_SINK_URI"));
    }

    @Test
    void driftNamesWhatDiffers() {
        ChangefeedSpec spec = ChangefeedSpec.of("cf", SINK, "ti-db-updates", "app_db.*", NONE);
        ChangefeedInfo same = new ChangefeedInfo("normal", SINK + "&enable-tidb-extension=true",
                List.of("app_db.*", "!cdc_audit.*"), 0, "", "", null);
        assertEquals(List.of(), spec.driftOf(same));
        ChangefeedInfo other = new ChangefeedInfo("normal", SINK, List.of("*.*"), 0, "", "", null);
        assertEquals(List.of("sink URI enable-tidb-extension is missing, expected enable-tidb-extension=true",
                "filter rules are [*.*], expected [app_db.*, !cdc_audit.*]"), spec.driftOf(other));
        ChangefeedSpec claimCheck = ChangefeedSpec.of("cf", SINK, "ti-db-updates", "app_db.*",
                LargeMessageHandle.of("claim-check", "s3://claims/cf?access-key=AK&secret-access-key=SK",
                        ValueCompression.NONE));
        ChangefeedInfo masked = new ChangefeedInfo("normal", null, null, 0, "", "",
                new LargeMessageHandle("claim-check", "s3://claims/cf?access-key=xxxxx&secret-access-key=xxxxx", "none"));
        assertEquals(List.of(), claimCheck.driftOf(masked), "credentials TiCDC masks are no drift");
        ChangefeedInfo elsewhere = new ChangefeedInfo("normal", null, null, 0, "", "",
                new LargeMessageHandle("claim-check", "s3://other/cf?access-key=xxxxx", "snappy"));
        assertEquals(List.of("claim-check storage is s3://other/cf, expected s3://claims/cf",
                "large message compression is snappy, expected none: TiCDC compresses every record with it, and the"
                        + " consumer reads them as CHANGEFEED_LARGE_MESSAGE_COMPRESSION says"),
                claimCheck.driftOf(elsewhere));
        // what TiCDC did not report cannot be compared
        assertEquals(List.of(), spec.driftOf(new ChangefeedInfo("normal", null, null, 0, "", "", null)));
    }

    @Test
    void filterRulesTiCdcCannotParseStopStartUpNamingTheRule() {
        ChangefeedSpec.of("cf", SINK, "ti-db-updates", "app_db.*, !app_db.tmp_*, shop?.order[0-9], \"we.ird\".t,"
                + " `a``b`.*, /^app_(?!tmp)/.*, db\\.x.t", NONE);
        for (String bad : new String[] {"app_db", "app_db.", ".users", "app db.*", "app_db.t[", "/app_(/.*",
                "/app_.*", "@rules.txt", "\"app_db.*"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ChangefeedSpec.of("cf", SINK, "ti-db-updates", bad, NONE), bad);
            assertTrue(e.getMessage().startsWith("CHANGEFEED_FILTER_RULES: '" + bad + "' is not a TiCDC table filter"
                    + " rule"), e.getMessage());
        }
    }

    @Test
    void theUpdateRequestIsTheCurrentConfigWithTheNewRulesAndNoSinkUri() throws Exception {
        ChangefeedSpec spec = ChangefeedSpec.of("cf", SINK, "ti-db-updates", "app_db.*", NONE);
        String current = "{\"memory_quota\":1073741824,\"filter\":{\"rules\":[\"*.*\"],\"event_filters\":[]},"
                + "\"sink\":{\"protocol\":\"canal-json\",\"dispatchers\":[{\"matcher\":[\"app_db.*\"]}]}}";
        assertEquals("{\"replica_config\":{\"memory_quota\":1073741824,\"filter\":{\"rules\":[\"app_db.*\","
                + "\"!cdc_audit.*\"],\"event_filters\":[]},\"sink\":{\"protocol\":\"canal-json\",\"dispatchers\":"
                + "[{\"matcher\":[\"app_db.*\"]}]}}}", spec.updateRequest(HttpAnswer.JSON.readTree(current)));
    }
}
