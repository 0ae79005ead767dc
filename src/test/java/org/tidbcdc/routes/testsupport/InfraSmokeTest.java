package org.tidbcdc.routes.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class InfraSmokeTest {
    @Test
    void brokerAndDatabaseStart() {
        try (KafkaBroker k = KafkaBroker.start(); MariaDbServer db = MariaDbServer.start()) {
            k.createTopic("t", 3);
            k.send("t", 1, "{}");
            assertEquals(1, k.read("t", 1, Duration.ofSeconds(20)).size());
            db.applyDbScripts();
            db.applyDbScripts();
            assertEquals(0, db.queryLong("select count(*) from cdc_audit.change_event"));
        }
    }
}
