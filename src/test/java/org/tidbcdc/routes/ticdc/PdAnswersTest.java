package org.tidbcdc.routes.ticdc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.camel.health.HealthCheck.State;
import org.junit.jupiter.api.Test;

class PdAnswersTest {

    /** The REFERENCE's /stores example (PD docs), verbatim. */
    private static final String DOCS_STORES = """
            {"count":1,"stores":[{"store":{"id":1,"address":"127.0.0.1:20160","version":"3.0.0-beta","state_name":"Up"},
              "status":{"capacity":"20 GiB","available":"16 GiB","leader_count":17,"leader_weight":1,"leader_score":17,"leader_size":17,
                        "region_count":17,"region_weight":1,"region_score":17,"region_size":17,"start_ts":"2019-03-21T14:09:32+08:00",
                        "last_heartbeat_ts":"2019-03-21T14:14:22.961171958+08:00","uptime":"4m50.961171958s"}}]}""";

    @Test
    void healthyMembersAreUpAndAnUnhealthyOneIsNamed() {
        assertEquals(ComponentState.up("PD has 1 healthy member"), PdAnswers.members(new HttpAnswer(200,
                "[{\"name\":\"pd-0\",\"member_id\":3474484975246189105,\"client_urls\":[\"http://pd0:2379\"],"
                        + "\"health\":true}]")));
        assertEquals(ComponentState.down("PD member pd-1 is unhealthy"), PdAnswers.members(new HttpAnswer(200, """
                [{"name":"pd-0","member_id":3474484975246189105,"client_urls":["http://pd0:2379"],"health":true},
                 {"name":"pd-1","member_id":8795440624327379316,"client_urls":["http://pd1:2379"],"health":false}]""")));
        assertEquals(ComponentState.down("PD members pd-1, pd-2 are unhealthy"), PdAnswers.members(new HttpAnswer(200,
                "[{\"name\":\"pd-1\",\"health\":false},{\"name\":\"pd-2\"}]")));
        assertEquals(ComponentState.down("PD reports no members"), PdAnswers.members(new HttpAnswer(200, "[]")));
    }

    @Test
    void plainTextNoLeaderIsReportedAsNoLeaderOnAnyPath() {
        assertEquals(ComponentState.down("PD has no leader (503 no leader)"),
                PdAnswers.leader(new HttpAnswer(503, "no leader")));
        assertEquals(ComponentState.down(
                "PD has no leader (503 [PD:apiutil:ErrRedirectNoLeader]redirect finds no leader)"),
                PdAnswers.members(new HttpAnswer(503, "[PD:apiutil:ErrRedirectNoLeader]redirect finds no leader")));
        assertEquals(ComponentState.down("PD has no leader (/pd/api/v1/leader names none)"),
                PdAnswers.leader(new HttpAnswer(200, "{}")));
        assertEquals(ComponentState.up("PD leader is pd-0"), PdAnswers.leader(new HttpAnswer(200,
                "{\"name\":\"pd-0\",\"member_id\":3474484975246189105,\"peer_urls\":[\"http://pd0:2380\"]}")));
    }

    @Test
    void everyStoreMustBeUp() {
        assertEquals(ComponentState.up("1 TiKV store Up"), PdAnswers.stores(new HttpAnswer(200, DOCS_STORES)));
        assertEquals(ComponentState.down("TiKV store 1 is Disconnected, TiKV store 5 is Down"),
                PdAnswers.stores(new HttpAnswer(200, """
                        {"count":3,"stores":[{"store":{"id":1,"state_name":"Disconnected"}},
                                             {"store":{"id":4,"state_name":"Up"}},
                                             {"store":{"id":5,"state_name":"Down"}}]}""")));
        assertEquals(ComponentState.down("TiKV store 2 is Offline"), PdAnswers.stores(new HttpAnswer(200,
                "{\"count\":1,\"stores\":[{\"store\":{\"id\":2,\"state\":1,\"state_name\":\"Offline\"}}]}")));
        assertEquals(ComponentState.down("PD reports no TiKV store"),
                PdAnswers.stores(new HttpAnswer(200, "{\"count\":0,\"stores\":null}")));
        assertEquals(ComponentState.down("PD reports no TiKV store"),
                PdAnswers.stores(new HttpAnswer(200, "{\"count\":0,\"stores\":[]}")));
    }

    @Test
    void otherErrorsAndGarbageSayWhatCame() {
        assertEquals(ComponentState.down("PD /pd/api/v1/health answered 500 etcdserver: request timed out"),
                PdAnswers.members(new HttpAnswer(500, "etcdserver: request timed out\n")));
        ComponentState garbage = PdAnswers.stores(new HttpAnswer(200, "<html>\n<body>Bad\tGateway</body></html>"));
        assertEquals(State.UNKNOWN, garbage.state());
        assertEquals("PD /pd/api/v1/stores answered 200 without a store list: <html> <body>Bad Gateway</body></html>",
                garbage.reason());
        assertEquals(State.UNKNOWN, PdAnswers.members(new HttpAnswer(200, "{\"name\":\"pd-0\"}")).state());
        assertEquals(State.UNKNOWN, PdAnswers.leader(new HttpAnswer(200, "")).state());
        assertEquals(State.UNKNOWN, PdAnswers.stores(new HttpAnswer(200, "{\"count\":1,\"stores\":[")).state());
    }
}
