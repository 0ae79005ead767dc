package org.tidbcdc.routes.ticdc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tidbcdc.routes.testsupport.TestPki;
import org.tidbcdc.routes.testsupport.TestPki.Client;
import org.tidbcdc.routes.testsupport.TestPki.KeyForm;

/** The control plane against a cluster with TLS between its components: https, and a client certificate required. */
class ClusterTlsIT {

    private static final String CHANGEFEEDS = "/api/v2/changefeeds";

    @TempDir
    Path dir;

    static Map<String, String> tls(Path ca, Client client) {
        Map<String, String> settings = new HashMap<>();
        settings.put("cdc.cluster-tls.ca", ca.toString());
        if (client != null) {
            settings.put("cdc.cluster-tls.cert", client.cert().toString());
            settings.put("cdc.cluster-tls.key", client.key().toString());
        }
        return settings;
    }

    @Test
    void withTheClusterCaAndAClientCertificateEveryComponentIsPolledAndTheChangefeedCreated() {
        TestPki pki = TestPki.create(dir, "cluster");
        Client client = pki.client("cdc-routes", KeyForm.PKCS1_RSA);
        try (FakeTiCluster fake = FakeTiCluster.startTls(pki.server());
             ControlPlaneApp app = ControlPlaneApp.start(fake, tls(pki.caFile(), client))) {
            app.awaitCheck("pd", "UP", "PD leader is pd-0");
            app.awaitCheck("tidb", "UP", "is serving");
            app.awaitCheck("ticdc", "UP", "TiCDC is healthy");
            app.awaitCheck("changefeed", "UP", "is normal");
            assertEquals(1, fake.count("POST", CHANGEFEEDS));
        }
    }

    @Test
    void withoutAClientCertificateNoRequestGetsThroughAndNothingIsCreated() {
        TestPki pki = TestPki.create(dir, "cluster");
        try (FakeTiCluster fake = FakeTiCluster.startTls(pki.server());
             ControlPlaneApp app = ControlPlaneApp.start(fake, tls(pki.caFile(), null))) {
            // under TLS 1.3 the server refuses a missing certificate after the handshake: a Go server (PD, TiCDC)
            // with an alert, which reads as "TLS failed"; this JDK server by closing, which reads as no answer
            ControlPlaneApp.await("PD refused", () -> !app.status("pd").equals("UP")
                    && app.message("pd").contains("/pd/api/v1/health failed without an answer"));
            ControlPlaneApp.await("TiCDC refused", () -> !app.status("ticdc").equals("UP")
                    && app.message("ticdc").contains("/api/v2/status failed without an answer"));
            assertEquals(0, fake.count("GET", "/pd/api/v1/health"), "no request got past TLS");
            assertEquals(0, fake.count("POST", CHANGEFEEDS));
        }
    }

    @Test
    void aClusterWhoseCertificatesAnotherCaSignedIsNotTrusted() {
        TestPki pki = TestPki.create(dir, "cluster");
        TestPki other = TestPki.create(dir, "other");
        try (FakeTiCluster fake = FakeTiCluster.startTls(pki.server());
             ControlPlaneApp app = ControlPlaneApp.start(fake, tls(other.caFile(), other.client("x", KeyForm.SEC1_EC)))) {
            app.awaitCheck("pd", "DOWN", "PD TLS failed on /pd/api/v1/health");
            app.awaitCheck("tidb", "DOWN", "TiDB TLS failed on /status");
            assertEquals(0, fake.count("POST", CHANGEFEEDS));
        }
    }
}
