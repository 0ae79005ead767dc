package org.tidbcdc.routes.ticdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class SinkUriTest {

    private static final String TOPIC = "ti-db-updates";
    private static final String DEFAULT = "kafka://kafka:29092/ti-db-updates?protocol=canal-json"
            + "&enable-tidb-extension=true&partition-num=3&replication-factor=1&max-message-bytes=1048576";

    @Test
    void theDefaultIsTakenAsItIs() {
        assertEquals(DEFAULT, SinkUri.validated(DEFAULT, TOPIC).toString());
    }

    @Test
    void aMissingTidbExtensionIsAdded() {
        assertEquals("kafka://k1:9092,k2:9092/ti-db-updates?protocol=canal-json&enable-tidb-extension=true",
                SinkUri.validated("kafka://k1:9092,k2:9092/ti-db-updates?protocol=canal-json", TOPIC).toString());
        assertEquals("kafka+ssl://k1:9093/ti-db-updates?enable-tidb-extension=true",
                SinkUri.validated("kafka+ssl://k1:9093/ti-db-updates", TOPIC).toString());
        assertEquals(DEFAULT.replace("true", "1"), SinkUri.validated(DEFAULT.replace("true", "1"), TOPIC).toString());
    }

    @Test
    void whatTheConsumerCannotReadIsRefusedNamingTheSetting() {
        assertRefused("kafka://kafka:29092/ti-db-updates?protocol=avro", "protocol=avro");
        assertRefused("kafka://kafka:29092/ti-db-updates?protocol=open-protocol&enable-tidb-extension=true",
                "protocol=open-protocol");
        assertRefused("kafka://kafka:29092/ti-db-updates?protocol=canal-json&enable-tidb-extension=false",
                "enable-tidb-extension=false");
        assertRefused("kafka://kafka:29092/ti-db-updates?enable-tidb-extension=yes", "enable-tidb-extension=yes");
        assertRefused("kafka://kafka:29092/other?protocol=canal-json", "topic 'other' but this application reads"
                + " CDC_TOPIC 'ti-db-updates'");
        assertRefused("kafka://kafka:29092/?protocol=canal-json", "topic ''");
        assertRefused("mysql://root@tidb:4000/", "must be a Kafka sink");
        assertRefused("kafka:///ti-db-updates", "names no Kafka broker");
        assertRefused("kafka://kafka:29092/ti db", "is not a valid URI");
        assertRefused("", "must be a Kafka sink");
    }

    @Test
    void differencesIgnoreOrderAndTicdcMasking() {
        SinkUri wanted = SinkUri.validated(DEFAULT + "&sasl-password=s3cret", TOPIC);
        // TiCDC re-encodes the URI with sorted parameters and masks secrets
        SinkUri reported = SinkUri.parse("kafka://kafka:29092/ti-db-updates?enable-tidb-extension=true"
                + "&max-message-bytes=1048576&partition-num=3&protocol=canal-json&replication-factor=1"
                + "&sasl-password=xxxxx");
        assertEquals(List.of(), wanted.differencesFrom(reported));
        assertEquals(List.of("brokers are kafka://other:9092, expected kafka://kafka:29092",
                "topic is 'x', expected 'ti-db-updates'",
                "enable-tidb-extension is missing, expected enable-tidb-extension=true",
                "max-message-bytes is missing, expected max-message-bytes=1048576",
                "partition-num=6, expected partition-num=3",
                "protocol is missing, expected protocol=canal-json",
                "replication-factor is missing, expected replication-factor=1",
                "sasl-password is missing, expected sasl-password=xxxxx",
                "sasl-user=u is set but not expected"),
                wanted.differencesFrom(SinkUri.parse("kafka://other:9092/x?partition-num=6&sasl-user=u")));
        assertTrue(SinkUri.parse("not a uri at all").differencesFrom(wanted).size() > 0);
    }

    @Test
    void secretsAreMaskedForLogs() {
        assertEquals("kafka://k:9092/t?sasl-user=u&sasl-password=xxxxx&protocol=canal-json",
                SinkUri.parse("kafka://k:9092/t?sasl-user=u&sasl-password=p%40ss&protocol=canal-json").masked());
    }

    private static void assertRefused(String uri, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SinkUri.validated(uri, TOPIC));
        assertTrue(e.getMessage().startsWith("CHANGEFEED_SINK_URI "), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
