package org.tidbcdc.routes.ticdc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.camel.health.HealthCheck.State;
import org.junit.jupiter.api.Test;

class TicdcAnswersTest {

    private static final String NOT_READY = """
            {
                "error_msg": "[CDC:ErrServerIsNotReady]cdc server is not ready",
                "error_code": "CDC:ErrServerIsNotReady"
            }""";

    @Test
    void captureStatus() {
        assertEquals(ComponentState.up("TiCDC v8.5.0 capture is alive"), TicdcAnswers.status(new HttpAnswer(200,
                "{\"version\":\"v8.5.0\",\"git_hash\":\"…\",\"id\":\"c1\",\"cluster_id\":\"default\",\"pid\":1447,"
                        + "\"is_owner\":true,\"liveness\":0}")));
        assertEquals(ComponentState.down("TiCDC capture is stopping (liveness 1)"),
                TicdcAnswers.status(new HttpAnswer(200, "{\"id\":\"c1\",\"liveness\":1}")));
        assertEquals(ComponentState.down("TiCDC not ready: 503 CDC:ErrServerIsNotReady"),
                TicdcAnswers.status(new HttpAnswer(503, NOT_READY)));
        assertEquals(State.UNKNOWN, TicdcAnswers.status(new HttpAnswer(200, "ok")).state());
    }

    @Test
    void ownerHealth() {
        assertEquals(ComponentState.up("TiCDC is healthy"), TicdcAnswers.health(new HttpAnswer(200, "{}")));
        assertEquals(ComponentState.down("TiCDC cluster is unhealthy: 500 CDC:ErrClusterIsUnhealthy"),
                TicdcAnswers.health(new HttpAnswer(500, "{\"error_msg\":\"[CDC:ErrClusterIsUnhealthy]TiCDC cluster"
                        + " is unhealthy\",\"error_code\":\"CDC:ErrClusterIsUnhealthy\"}")));
        assertEquals(ComponentState.down("TiCDC /api/v2/health answered 500 election: no leader"),
                TicdcAnswers.health(new HttpAnswer(500, "{\"error_msg\":\"election: no leader\",\"error_code\":\"\"}")));
        assertEquals(ComponentState.down("TiCDC /api/v2/health answered 502 <html>bad gateway</html>"),
                TicdcAnswers.health(new HttpAnswer(502, "<html>bad gateway</html>")));
        assertEquals(State.UNKNOWN, TicdcAnswers.health(new HttpAnswer(200, "<html/>")).state());
    }

    @Test
    void errorCodes() {
        assertEquals("CDC:ErrServerIsNotReady", TicdcAnswers.errorCode(new HttpAnswer(503, NOT_READY)));
        assertEquals("", TicdcAnswers.errorCode(new HttpAnswer(503, "no leader")));
        assertEquals("", TicdcAnswers.errorCode(new HttpAnswer(500, "")));
    }
}
