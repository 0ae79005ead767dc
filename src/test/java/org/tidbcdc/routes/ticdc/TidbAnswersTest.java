package org.tidbcdc.routes.ticdc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.camel.health.HealthCheck.State;
import org.junit.jupiter.api.Test;

class TidbAnswersTest {

    @Test
    void statusPort() {
        assertEquals(ComponentState.up("TiDB 8.0.11-TiDB-v8.3.0-alpha-129-g158199c87d is serving"),
                TidbAnswers.status(new HttpAnswer(200, "{\"connections\":0,\"version\":\"8.0.11-TiDB-v8.3.0-alpha-129"
                        + "-g158199c87d\",\"git_hash\":\"158199c87d9bb83e045e4e113d38d323006ea41d\",\"status\":"
                        + "{\"init_stats_percentage\":100}}")));
        assertEquals(ComponentState.down("TiDB /status answered 500 (empty body)"),
                TidbAnswers.status(new HttpAnswer(500, null)));
        assertEquals(State.UNKNOWN, TidbAnswers.status(new HttpAnswer(200, "{\"connections\":0}")).state());
    }
}
