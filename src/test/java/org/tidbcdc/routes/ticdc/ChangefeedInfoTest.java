package org.tidbcdc.routes.ticdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ChangefeedInfoTest {

    @Test
    void readsTheReferenceExample() {
        ChangefeedInfo info = parse("""
                {"upstream_id":7348293812345678901,"namespace":"default","id":"kafka-cf","sink_uri":"kafka://k:9092/t",
                 "create_time":"2025-01-01T08:00:00.123456+08:00","start_ts":455000614534643715,"target_ts":0,
                 "admin_job_type":0,"config":{"filter":{"rules":["app.*","!app.tmp_*"]}},"state":"warning",
                 "error":{"addr":"10.0.0.7:8300","code":"CDC:ErrKafkaNewProducer",
                          "message":"[CDC:ErrKafkaNewProducer]new kafka producer:\\n dial tcp: i/o timeout"},
                 "creator_version":"v8.5.0","resolved_ts":455000619000000000,"checkpoint_ts":455000618000000000,
                 "checkpoint_time":"2025-01-01 08:00:05.123"}""");
        assertEquals(new ChangefeedInfo("warning", "kafka://k:9092/t", List.of("app.*", "!app.tmp_*"),
                455000618000000000L, "CDC:ErrKafkaNewProducer", "new kafka producer: dial tcp: i/o timeout", null),
                info);
        assertEquals("CDC:ErrKafkaNewProducer new kafka producer: dial tcp: i/o timeout", info.error());
    }

    @Test
    void readsTheLargeMessageHandlingTiCdcReports() {
        ChangefeedInfo info = parse("""
                {"id":"cf","config":{"sink":{"protocol":"canal-json","kafka_config":{"large_message_handle":
                 {"large_message_handle_option":"claim-check","large_message_handle_compression":"lz4",
                  "claim_check_storage_uri":"s3://claims/cf","claim_check_raw_value":false}}}}}""");
        assertEquals(new LargeMessageHandle("claim-check", "s3://claims/cf", "lz4"), info.largeMessage());
        ChangefeedInfo defaults = parse("""
                {"id":"cf","config":{"sink":{"kafka_config":{"large_message_handle":
                 {"large_message_handle_option":"","claim_check_storage_uri":""}}}}}""");
        assertEquals(new LargeMessageHandle("none", null, "none"), defaults.largeMessage());
    }

    @Test
    void uninitializedChangefeedHasNoStateAndNoError() {
        ChangefeedInfo info = parse("{\"id\":\"cf\"}");
        assertEquals("", info.state());
        assertEquals(null, info.sinkUri());
        assertEquals(null, info.filterRules());
        assertEquals(null, info.largeMessage());
        assertEquals("no error reported", info.error());
    }

    @Test
    void anythingButAChangefeedIsNone() {
        assertTrue(new HttpAnswer(200, "[1,2]").json().flatMap(ChangefeedInfo::parse).isEmpty());
        assertTrue(new HttpAnswer(200, "{\"state\":\"normal\"}").json().flatMap(ChangefeedInfo::parse).isEmpty());
        assertTrue(new HttpAnswer(200, "<html>").json().flatMap(ChangefeedInfo::parse).isEmpty());
    }

    @Test
    void lagIsNowMinusThePhysicalPartOfTheCheckpoint() {
        long physical = 1_735_689_605_123L;
        long tso = (physical << 18) + 7;
        assertEquals(877, ChangefeedInfo.lagMillis(tso, physical + 877));
        assertEquals(0, ChangefeedInfo.lagMillis(tso, physical - 5), "a clock behind TiCDC's is no negative lag");
        assertEquals(-1, ChangefeedInfo.lagMillis(0, physical));
    }

    private static ChangefeedInfo parse(String json) {
        return new HttpAnswer(200, json).json().flatMap(ChangefeedInfo::parse).orElseThrow();
    }
}
