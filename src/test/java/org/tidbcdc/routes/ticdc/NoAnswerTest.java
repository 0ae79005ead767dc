package org.tidbcdc.routes.ticdc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

import javax.net.ssl.SSLHandshakeException;

import org.apache.camel.health.HealthCheck.State;
import org.junit.jupiter.api.Test;

class NoAnswerTest {

    private static final String ENDPOINT = "http://pd:2379/pd/api/v1/leader?httpMethod=GET&connectTimeout=1000";

    @Test
    void refusedOrUnknownHostIsDown() {
        assertEquals(ComponentState.down("PD unreachable on /pd/api/v1/leader: ConnectException: Connection refused"),
                NoAnswer.of("PD", ENDPOINT, new ConnectException("Connection refused")));
        assertEquals(State.DOWN, NoAnswer.of("PD", ENDPOINT,
                new IOException("wrapped", new UnknownHostException("pd: Name or service not known"))).state());
    }

    @Test
    void aFailedTlsHandshakeIsDownAndPointsAtTheTlsSettings() {
        assertEquals(ComponentState.down("PD TLS failed on /pd/api/v1/leader (check CLUSTER_TLS_CA, CLUSTER_TLS_CERT,"
                + " CLUSTER_TLS_KEY and that the URL is https): SSLHandshakeException: Received fatal alert:"
                + " certificate_required"), NoAnswer.of("PD", ENDPOINT, new IOException("wrapped",
                        new SSLHandshakeException("Received fatal alert: certificate_required"))));
    }

    @Test
    void timeoutsAndResetsAreUnknown() {
        assertEquals(ComponentState.unknown("TiCDC did not answer /pd/api/v1/leader in time: SocketTimeoutException:"
                + " Read timed out"), NoAnswer.of("TiCDC", ENDPOINT, new SocketTimeoutException("Read timed out")));
        assertEquals(ComponentState.unknown("PD /pd/api/v1/leader failed without an answer: SocketException:"
                + " Connection reset"), NoAnswer.of("PD", ENDPOINT, new SocketException("Connection reset")));
        assertEquals(ComponentState.unknown("PD (unknown path) failed without an answer: IllegalStateException"),
                NoAnswer.of("PD", null, new IllegalStateException()));
    }
}
