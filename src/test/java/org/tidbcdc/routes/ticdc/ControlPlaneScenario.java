package org.tidbcdc.routes.ticdc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.tidbcdc.routes.testsupport.LogCapture;

/** A scenario against a fresh {@link FakeTiCluster}, with the control plane's log lines captured. */
abstract class ControlPlaneScenario {

    protected FakeTiCluster fake;
    protected LogCapture log;

    @BeforeEach
    void startFakeCluster() {
        fake = FakeTiCluster.start();
        log = LogCapture.of("cdc.control");
    }

    @AfterEach
    void stopFakeCluster() {
        log.close();
        fake.close();
    }
}
